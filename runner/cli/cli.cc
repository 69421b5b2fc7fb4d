#include "runner/cli/cli.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include "runner/base/suggest.h"

namespace arbiter {

void AddPluginPathOption(CLI::App& app, std::vector<std::string>& paths) {
  app.add_option("--plugin-path", paths, "External plugin libraries (.so) or folders of them");
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return kExitOk;
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound:
    case Status::Code::kCorruption:
      return kExitUsage;
    case Status::Code::kIoError:
    case Status::Code::kInternal:
      return kExitRuntime;
  }
  return kExitRuntime;
}

int Fail(std::string_view command, const Status& status) {
  std::fprintf(stderr, "arbiter %.*s: %s\n", static_cast<int>(command.size()), command.data(),
               status.message().c_str());
  return ExitCodeFor(status);
}

int RunCli(int argc, char** argv) {
  const std::vector<Command> commands = {
      ValidateCommand(), RunCommand(),     PluginsCommand(), LabelsCommand(), CalibrateCommand(),
      GateCommand(),     HistoryCommand(), RedactCommand(),  SampleCommand(), TriageCommand()};
  CLI::App app{"arbiter: turns LLM and agent traces into calibrated evaluations that gate releases",
               "arbiter"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "arbiter 0.1.0");
  app.footer(
      "Exit codes: 0 success, 1 gate blocked, 2 usage or configuration error, "
      "3 runtime failure.\nRun 'arbiter COMMAND --help' for a command's options.");

  // An unknown command gets "did you mean" rather than CLI11's generic message.
  if (argc > 1 && argv[1][0] != '-') {
    std::string_view name = argv[1];
    std::vector<std::string> names;
    for (const Command& command : commands) names.emplace_back(command.name);
    bool known = false;
    for (const std::string& candidate : names) known = known || candidate == name;
    if (!known) {
      std::string closest = ClosestName(name, names);
      std::fprintf(
          stderr, "arbiter: unknown command '%.*s'%s%s%s\nRun 'arbiter --help' for the list.\n",
          static_cast<int>(name.size()), name.data(), closest.empty() ? "" : " (did you mean '",
          closest.c_str(), closest.empty() ? "" : "'?)");
      return kExitUsage;
    }
  }

  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (const Command& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    actions.emplace_back(sub, command.define(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) return action();
  }
  return kExitUsage;
}

}  // namespace arbiter
