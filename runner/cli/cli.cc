#include "runner/cli/cli.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/base/suggest.h"
#include "runner/source/otlp/proto.h"

namespace arbiter {

void AddPluginPathOption(CLI::App& app, std::vector<std::string>& paths) {
  app.add_option("--plugin-path", paths, "External plugin libraries (.so) or folders of them");
}

void AddCacheOptions(CLI::App& app, std::string& cache, bool& no_cache) {
  app.add_option("--cache", cache,
                 "Judge response cache: a folder or a postgresql:// URL (default: "
                 ".arbiter/cache)")
      ->envname("ARBITER_CACHE");
  app.add_flag("--no-cache", no_cache, "Neither read nor write the judge response cache");
}

void AddShardOptions(CLI::App& app, ShardFlags& flags, const std::string& shard_help) {
  app.add_option("--shard", flags.shard, shard_help);
  app.add_option("--shard-count", flags.count,
                 "With --shard auto: the shard count (a Kubernetes Indexed Job's "
                 "completions; default: ARBITER_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT)")
      ->check(CLI::Range(1u, kMaxShards));
}

Result<std::optional<ShardSpec>> ResolveShard(const ShardFlags& flags) {
  if (flags.shard.empty()) {
    if (flags.count) return Status::InvalidArgument("--shard-count goes with --shard auto");
    return std::optional<ShardSpec>();
  }
  if (flags.shard == "auto") {
    std::optional<uint32_t> count;
    if (flags.count) count = flags.count;
    ARBITER_ASSIGN_OR_RETURN(
        ShardSpec spec,
        ShardFromEnvironment([](const char* name) { return std::getenv(name); }, count));
    return std::optional<ShardSpec>(spec);
  }
  if (flags.count) {
    return Status::InvalidArgument("--shard-count goes with --shard auto; --shard I/N names N");
  }
  ARBITER_ASSIGN_OR_RETURN(ShardSpec spec, ParseShardSpec(flags.shard));
  return std::optional<ShardSpec>(spec);
}

void SetHelp(CLI::App& app, const Help& help) {
  const bool strict = app.get_option_no_throw("--strict") != nullptr;
  std::string text = "Examples:\n";
  for (const std::string& example : help.examples) text += "  " + example + "\n";
  text += "Exit codes:\n";
  for (int code : help.exit_codes) {
    const char* meaning = "";
    switch (code) {
      case kExitOk:
        meaning = "success";
        break;
      case kExitGateBlocked:
        meaning = "gate blocked: a gate evaluator regressed";
        break;
      case kExitUsage:
        meaning = "usage or configuration error";
        break;
      case kExitRuntime:
        meaning = strict ? "runtime failure, or warnings under --strict" : "runtime failure";
        break;
      case kExitGateInconclusive:
        meaning = "gate inconclusive: it cannot vouch for the candidate";
        break;
    }
    text += "  " + std::to_string(code) + "  " + meaning + "\n";
  }
  app.footer(text);
}

CLI::Validator OutputFolder() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (input.empty()) return "--out is empty: name the output folder";
        std::error_code ec;
        if (std::filesystem::exists(input, ec) && !std::filesystem::is_directory(input, ec)) {
          return input + " is a file; --out names a folder";
        }
        return std::string();
      },
      "FOLDER");
}

CLI::Validator OutputFile() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (input.empty()) return "--out is empty: name the output file";
        std::error_code ec;
        if (std::filesystem::is_directory(input, ec)) {
          return input + " is a folder; --out names a file";
        }
        return std::string();
      },
      "FILE");
}

CLI::Validator FiniteNumber() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        char* end = nullptr;
        double value = std::strtod(input.c_str(), &end);
        if (input.empty() || end != input.c_str() + input.size() || !std::isfinite(value)) {
          return "Value " + input + " is not a finite number";
        }
        return std::string();
      },
      "FINITE");
}

void WarnWhenNoTrace(std::string_view command, uint64_t traces, uint64_t skipped) {
  if (traces > 0) return;
  std::fprintf(stderr, "arbiter %.*s: warning: no trace in the input%s\n",
               static_cast<int>(command.size()), command.data(),
               skipped
                   ? (": every one of " + std::to_string(skipped) + " records was broken").c_str()
                   : " (empty)");
}

CLI::Validator WholeNumber(uint64_t min, uint64_t max) {
  std::string bound = max == UINT64_MAX
                          ? ">=" + std::to_string(min)
                          : "[" + std::to_string(min) + " - " + std::to_string(max) + "]";
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        uint64_t value = 0;
        const char* end = text.data() + text.size();
        auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error == std::errc::result_out_of_range) return text + " is too large";
        if (text.empty() || error != std::errc() || stop != end) {
          return "'" + text + "' is not a whole number";
        }
        if (value < min) return text + " is below " + std::to_string(min);
        if (value > max) return text + " is above " + std::to_string(max);
        return "";
      },
      bound);
}

bool SameFile(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  if (std::filesystem::equivalent(a, b, ec) && !ec) return true;
  // A file not written yet: by its path, links and `..` resolved (`-o x.json --focus-state
  // ./x.json` on a first run).
  std::filesystem::path a_path = std::filesystem::weakly_canonical(a, ec);
  if (ec) return false;
  std::filesystem::path b_path = std::filesystem::weakly_canonical(b, ec);
  return !ec && a_path == b_path;
}

Status CheckOutputsAreNotInputs(const std::vector<std::filesystem::path>& outputs,
                                const std::vector<std::string>& traces,
                                const std::vector<std::string>& others) {
  std::vector<std::string> inputs = traces;
  inputs.insert(inputs.end(), others.begin(), others.end());
  for (const std::filesystem::path& output : outputs) {
    // Before any work: a pipe or a device named as an output is a usage error (AtomicFile).
    ARBITER_RETURN_IF_ERROR(OutputFileTarget(output).status());
    for (const std::string& input : inputs) {
      if (input == "-" || input.empty() || !SameFile(output, input)) continue;
      return Status::InvalidArgument("--out " + output.string() + " is also an input (" + input +
                                     "): writing it would replace the input; write elsewhere");
    }
  }
  return Status::OK();
}

Status CheckOutputFolderIsNot(const std::string& out, const std::string& input,
                              std::string_view what, bool or_inside) {
  if (out.empty() || input.empty()) return Status::OK();
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::weakly_canonical(out, ec);
  if (ec) return Status::OK();
  // `out` itself, then (with or_inside) each folder above it up to the root.
  for (std::filesystem::path at = target;; at = at.parent_path()) {
    if (SameFile(at, input)) {
      return Status::InvalidArgument("--out " + out + (at == target ? " is " : " lies in ") +
                                     std::string(what) + " (" + input +
                                     "): its reports would be written among that folder's "
                                     "files; write elsewhere");
    }
    if (!or_inside || at == at.parent_path()) break;
  }
  return Status::OK();
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

namespace {

// `parent`'s command called `name`, or nullptr.
CLI::App* FindSubcommand(CLI::App& parent, std::string_view name) {
  for (CLI::App* sub : parent.get_subcommands({})) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// "arbiter labels: unknown command 'bogus' (did you mean ...)": exit 2.
int UnknownCommand(CLI::App& parent, const std::string& path, std::string_view name) {
  std::vector<std::string> names;
  for (CLI::App* sub : parent.get_subcommands({})) names.push_back(sub->get_name());
  std::string closest = ClosestName(name, names);
  std::fprintf(stderr, "%s: unknown command '%.*s'%s%s%s\nRun '%s --help' for the list.\n",
               path.c_str(), static_cast<int>(name.size()), name.data(),
               closest.empty() ? "" : " (did you mean '", closest.c_str(),
               closest.empty() ? "" : "'?)", path.c_str());
  return kExitUsage;
}

// The command that argv[first..] names: subcommands are followed while the command has some
// and the word is not an option. `next` is the first word not taken.
struct NamedCommand {
  CLI::App* command = nullptr;   // nullptr: a word named no command, and that was reported
  std::string path = "arbiter";  // "arbiter labels import"
  int next = 0;
  // The words before the command's own name, as CLI11's help() wants them ("arbiter labels").
  std::string Prefix() const { return path.substr(0, path.rfind(' ')); }
};

NamedCommand FollowCommands(CLI::App& app, int argc, char** argv, int first) {
  NamedCommand named{&app, "arbiter", first};
  for (; named.next < argc && !named.command->get_subcommands({}).empty(); ++named.next) {
    std::string_view word = argv[named.next];
    if (word.starts_with("-")) break;
    CLI::App* sub = FindSubcommand(*named.command, word);
    if (!sub) {
      UnknownCommand(*named.command, named.path, word);
      named.command = nullptr;
      return named;
    }
    named.command = sub;
    named.path += " " + sub->get_name();
  }
  return named;
}

}  // namespace

int RunCli(int argc, char** argv) {
  KeepProtobufLogsOffStderr();  // before any thread starts: protobuf's handler is not thread-safe
  const std::vector<Command> commands = {
      ValidateCommand(), RunCommand(),       MergeCommand(),    PluginsCommand(),
      LabelsCommand(),   CalibrateCommand(), GenerateCommand(), GateCommand(),
      HistoryCommand(),  RedactCommand(),    SampleCommand(),   TriageCommand(),
      AnnotateCommand(), ServeCommand(),     InitCommand(),     CompletionCommand()};
  CLI::App app{"arbiter: turns LLM and agent traces into calibrated evaluations that gate releases",
               "arbiter"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "arbiter 0.1.0");
  app.footer(
      "Exit codes: 0 success, 1 gate blocked, 2 usage or configuration error, "
      "3 runtime failure (or warnings under --strict), 4 gate inconclusive.\n"
      "Run 'arbiter COMMAND --help' (or 'arbiter help COMMAND') for a command's options.");

  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (const Command& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    actions.emplace_back(sub, command.define(*sub));
    SetHelp(*sub, command.help);
  }
  // `arbiter` alone, and `arbiter help [COMMAND]`, print the usage rather than an error.
  if (argc == 1) {
    std::fputs(app.help().c_str(), stderr);
    return kExitUsage;
  }
  // `arbiter help labels import`: each word names a command of the one before it.
  if (std::string_view(argv[1]) == "help") {
    NamedCommand named = FollowCommands(app, argc, argv, 2);
    if (!named.command) return kExitUsage;
    if (named.next < argc) return UnknownCommand(*named.command, named.path, argv[named.next]);
    std::fputs(named.command->help(named.command == &app ? "" : named.Prefix()).c_str(), stdout);
    return kExitOk;
  }

  // An unknown command gets "did you mean" rather than CLI11's generic "A subcommand is
  // required", at the top and under a command that has its own (`arbiter labels bogus`); an
  // option before any command is named as such.
  NamedCommand named = FollowCommands(app, argc, argv, 1);
  if (!named.command) return kExitUsage;
  if (named.command == &app && named.next < argc) {  // an option, where a command goes
    std::string_view word = argv[named.next];
    if (word != "--help" && word != "-h" && word != "--version") {
      std::fprintf(stderr,
                   "arbiter: unknown option '%.*s' before any command; the command comes "
                   "first (arbiter COMMAND [OPTIONS])\nRun 'arbiter --help' for the list.\n",
                   static_cast<int>(word.size()), word.data());
      return kExitUsage;
    }
  }
  if (named.next == argc && !named.command->get_subcommands({}).empty()) {  // `arbiter labels`
    std::fputs(named.command->help(named.Prefix()).c_str(), stderr);
    return kExitUsage;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // An unknown flag first, with the closest one the command has: a typo such as "--trace"
    // would otherwise read as "--traces is required".
    for (auto& [sub, action] : actions) {
      if (!sub->parsed()) continue;
      std::vector<std::string> flags;
      for (const CLI::Option* option : sub->get_options()) {
        for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
      }
      for (const std::string& extra : sub->remaining()) {
        if (extra.rfind("--", 0) != 0) continue;
        std::string flag = extra.substr(0, extra.find('='));
        std::string closest = ClosestName(flag, flags);
        std::fprintf(stderr, "arbiter %s: unknown option '%s'%s%s%s\nRun 'arbiter %s --help'.\n",
                     sub->get_name().c_str(), flag.c_str(),
                     closest.empty() ? "" : " (did you mean '", closest.c_str(),
                     closest.empty() ? "" : "'?)", sub->get_name().c_str());
        return kExitUsage;
      }
    }
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) return action();
  }
  return kExitUsage;
}

}  // namespace arbiter
