// The `arbiter` command line: one table of subcommands (ninja's model), each defining its
// options on a CLI11 subcommand and returning the action to run once parsing succeeded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "runner/base/status.h"
#include "runner/source/shard_spec.h"

namespace arbiter {

// SPEC "Commands": exit codes.
enum ExitCode : int {
  kExitOk = 0,
  kExitGateBlocked = 1,
  kExitUsage = 2,
  kExitRuntime = 3,
  kExitGateInconclusive = 4,  // the gate could not vouch for the candidate
};

// The exit code for a failed Status: kExitUsage when the user must change an input (an
// InvalidArgument: a flag, a configuration, even one found only while reading the data; a
// NotFound path; a Corruption: a file that is not what it claims to be), kExitRuntime when the
// work itself failed (IoError, Internal). kExitOk for OK.
int ExitCodeFor(const Status& status);

// Prints "arbiter COMMAND: message" to stderr and returns ExitCodeFor(status): how every command
// (and the suite loading they share) reports a failure, so that one kind of error reads and exits
// the same whichever command meets it.
int Fail(std::string_view command, const Status& status);

// What a command's `--help` ends with: two examples that run from the repository root on the
// bundled data, and the exit codes the command can return. Made into text by SetHelp only, so
// every page reads the same.
struct Help {
  std::vector<std::string> examples;  // whole command lines, each starting "arbiter "
  std::vector<int> exit_codes;        // ExitCode values, in the order listed
};

// The exit codes most commands can return: 0, 2 and 3 (no gate outcome).
inline const std::vector<int> kCommonExitCodes = {kExitOk, kExitUsage, kExitRuntime};

// Sets `app`'s footer to "Examples:" and "Exit codes:" sections (replacing the inherited
// top-level footer). Call after the options are defined: code 3 mentions --strict only where
// the command has it.
void SetHelp(CLI::App& app, const Help& help);

struct Command {
  const char* name;
  const char* description;
  Help help;
  // Adds the command's options to `app`; returns the action, run after a successful parse.
  std::function<std::function<int()>(CLI::App& app)> define;
};

// The commands, in the order `--help` lists them. Each lives in its own cmd_*.cc.
Command ValidateCommand();
Command RunCommand();
Command MergeCommand();
Command PluginsCommand();
Command LabelsCommand();
Command CalibrateCommand();
Command GenerateCommand();
Command GateCommand();
Command HistoryCommand();
Command RedactCommand();
Command SampleCommand();
Command TriageCommand();
Command CompletionCommand();
Command AnnotateCommand();
Command InitCommand();
Command ServeCommand();

int RunCli(int argc, char** argv);

// A check for every floating-point flag, before its range: CLI11's Range lets `nan` through
// (every comparison with NaN is false), and a NaN tolerance or rate would silently change what a
// command decides. Refuses NaN, the infinities and what is not a number.
CLI::Validator FiniteNumber();

// Checks for `--out` before any work: an empty path, a folder output that names an existing file,
// or a file output that names an existing folder is a usage error (exit 2), not a failure after
// the work is done (exit 3) or, for an empty path, outputs written to the working folder.
CLI::Validator OutputFolder();
CLI::Validator OutputFile();

// The most worker threads a command starts. More is a typo, not a machine: the system's limit
// would end the command with an uncaught std::system_error, or it would stall creating them.
inline constexpr int kMaxThreads = 1024;

// `--threads N`: 0 (the default) means one per core; above kMaxThreads it is a usage error
// (exit 2). run, calibrate and triage share it.
template <typename T>
CLI::Option* AddThreadsOption(CLI::App& app, T& threads, const std::string& description) {
  return app.add_option("-j,--threads", threads, description)->check(CLI::Range(0, kMaxThreads));
}

// True when `a` and `b` are one file: an existing one by identity (std::filesystem::equivalent:
// another spelling, a hard or symbolic link), one not written yet by its resolved path.
bool SameFile(const std::filesystem::path& a, const std::filesystem::path& b);

// InvalidArgument when one of `outputs` is the same file (SameFile) as one of `traces` or
// `others` ("-" and "" are skipped): the output, renamed into place, would replace the input
// ("--out q.jsonl is also an input"); or when an output exists and is not a regular file
// (OutputFileTarget: a named pipe, a device), checked before any work.
Status CheckOutputsAreNotInputs(const std::vector<std::filesystem::path>& outputs,
                                const std::vector<std::string>& traces,
                                const std::vector<std::string>& others = {});

// "arbiter COMMAND: warning: no trace in the input ..." on stderr when `traces` is 0: an empty
// file, or every line broken, is not a sample, a queue or a redacted set, whatever exit 0 says.
void WarnWhenNoTrace(std::string_view command, uint64_t traces, uint64_t skipped);

// The check of a whole-number flag: digits only (no sign, so "-1" is not taken as 2^64 - 1 by an
// unsigned flag), at most UINT64_MAX, and in [min, max]. Its messages name the value and the
// bound ("--top: 0 is below 1"), where CLI11's PositiveNumber printed its range as "0.000000 to
// 1797...". In --help it reads UINT:>=MIN, or UINT:[MIN - MAX].
CLI::Validator WholeNumber(uint64_t min = 0, uint64_t max = UINT64_MAX);

// InvalidArgument when the output folder `out` is the folder `input` (SameFile) or, with
// `or_inside`, lies below it: the command's reports would land among the input's own files (a
// gate's report.html over a run's; a calibration inside a label set, which is immutable).
// `what` names the input for the message ("the --candidate run").
Status CheckOutputFolderIsNot(const std::string& out, const std::string& input,
                              std::string_view what, bool or_inside);

// A completion script for `shell` ("bash" or "zsh") covering `root`'s subcommands and each
// one's long and short flags (and, for a command with subcommands such as `labels`, theirs).
std::string CompletionScript(const CLI::App& root, const std::string& shell);

// `--plugin-path PATH...`: external plugin libraries or folders of them (run, validate, plugins).
void AddPluginPathOption(CLI::App& app, std::vector<std::string>& paths);
// --cache (a folder or a postgresql:// URL; ARBITER_CACHE) and --no-cache, for the commands that
// run a judge.
void AddCacheOptions(CLI::App& app, std::string& cache, bool& no_cache);

// `--shard I/N|auto` and `--shard-count N` (run, sample): do one part of the inputs and write a
// partial output that a merge adds up (source/shard_spec.h). `shard_help` describes --shard.
struct ShardFlags {
  std::string shard;  // "I/N", "auto" or empty
  uint32_t count = 0;
};
void AddShardOptions(CLI::App& app, ShardFlags& flags, const std::string& shard_help);
// The shard the flags name (none without --shard): I/N, or with auto from the engine's
// environment. InvalidArgument for a malformed one or a --shard-count without --shard auto.
Result<std::optional<ShardSpec>> ResolveShard(const ShardFlags& flags);

}  // namespace arbiter
