// `arbiter completion bash|zsh`: a shell completion script made from the CLI11 App tree, so it
// names every command and flag the binary has, and cannot drift from them.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runner/cli/cli.h"

namespace arbiter {
namespace {

// The words offered after `app`'s name: its subcommands, then its flags, long and short.
std::string Words(const CLI::App& app) {
  std::string words;
  auto add = [&](const std::string& word) { words += (words.empty() ? "" : " ") + word; };
  for (const CLI::App* sub : app.get_subcommands({})) add(sub->get_name());
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) add("--" + name);
    for (const std::string& name : option->get_snames()) add("-" + name);
  }
  return words;
}

// One `case` arm: a command, and for one with subcommands (labels) a nested case on the
// second word.
std::string CaseArm(const CLI::App& command) {
  std::vector<const CLI::App*> subs = command.get_subcommands({});
  std::string arm = "    " + command.get_name() + ")\n";
  if (subs.empty()) return arm + "      words=\"" + Words(command) + "\" ;;\n";
  arm += "      case \"$sub\" in\n";
  for (const CLI::App* sub : subs) {
    arm += "        " + sub->get_name() + ") words=\"" + Words(*sub) + "\" ;;\n";
  }
  return arm + "        *) words=\"" + Words(command) + "\" ;;\n      esac ;;\n";
}

std::string BashScript(const CLI::App& root) {
  // The first two words that are not flags name the command and its subcommand; a flag's value
  // may land in `sub` for a command without subcommands, where `sub` is not read. With no word
  // to offer, -o default falls back to file names (suites, traces, folders).
  std::string script =
      "# arbiter completion for bash: source it, or save it as\n"
      "# ~/.local/share/bash-completion/completions/arbiter\n"
      "_arbiter() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"\" sub=\"\" words=\"\" i w\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=\"${COMP_WORDS[i]}\"\n"
      "    [[ $w == -* ]] && continue\n"
      "    if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi\n"
      "  done\n"
      "  case \"$cmd\" in\n"
      "    \"\") words=\"" +
      Words(root) + "\" ;;\n";
  for (const CLI::App* command : root.get_subcommands({})) script += CaseArm(*command);
  script +=
      "  esac\n"
      "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
      "}\n"
      "complete -o default -F _arbiter arbiter\n";
  return script;
}

}  // namespace

std::string CompletionScript(const CLI::App& root, const std::string& shell) {
  if (shell == "bash") return BashScript(root);
  // zsh runs the bash function through bashcompinit: one script to keep, the same words.
  return "#compdef arbiter\n"
         "# arbiter completion for zsh: source it from ~/.zshrc (after compinit)\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         BashScript(root);
}

Command CompletionCommand() {
  return {"completion",
          "Print a shell completion script for bash or zsh (load it: source <(arbiter "
          "completion bash))",
          {{"arbiter completion bash", "arbiter completion zsh"}, {kExitOk, kExitUsage}},
          [](CLI::App& app) -> std::function<int()> {
            auto shell = std::make_shared<std::string>();
            app.add_option("shell", *shell, "bash or zsh")
                ->required()
                ->check(CLI::IsMember({"bash", "zsh"}));
            CLI::App* self = &app;
            return [shell, self] {
              std::fputs(CompletionScript(*self->get_parent(), *shell).c_str(), stdout);
              return static_cast<int>(kExitOk);
            };
          }};
}

}  // namespace arbiter
