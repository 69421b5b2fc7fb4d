// The `arbiter` command line: one table of subcommands (ninja's model), each defining its
// options on a CLI11 subcommand and returning the action to run once parsing succeeded.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "runner/base/status.h"

namespace arbiter {

// SPEC "Commands": exit codes.
enum ExitCode : int { kExitOk = 0, kExitGateBlocked = 1, kExitUsage = 2, kExitRuntime = 3 };

// The exit code for a failed Status: kExitUsage when the user must change an input (an
// InvalidArgument: a flag, a configuration, even one found only while reading the data; a
// NotFound path; a Corruption: a file that is not what it claims to be), kExitRuntime when the
// work itself failed (IoError, Internal). kExitOk for OK.
int ExitCodeFor(const Status& status);

// Prints "arbiter COMMAND: message" to stderr and returns ExitCodeFor(status): how every command
// (and the suite loading they share) reports a failure, so that one kind of error reads and exits
// the same whichever command meets it.
int Fail(std::string_view command, const Status& status);

struct Command {
  const char* name;
  const char* description;
  // Adds the command's options to `app`; returns the action, run after a successful parse.
  std::function<std::function<int()>(CLI::App& app)> define;
};

// The commands, in the order `--help` lists them. Each lives in its own cmd_*.cc.
Command ValidateCommand();
Command RunCommand();
Command PluginsCommand();
Command LabelsCommand();
Command CalibrateCommand();
Command GateCommand();
Command HistoryCommand();
Command RedactCommand();
Command SampleCommand();
Command TriageCommand();

int RunCli(int argc, char** argv);

// `--plugin-path PATH...`: external plugin libraries or folders of them (run, validate, plugins).
void AddPluginPathOption(CLI::App& app, std::vector<std::string>& paths);

}  // namespace arbiter
