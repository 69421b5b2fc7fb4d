// Every command's --help (its examples and exit codes), the short flags and shell completion,
// with the real binary from the source root.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

// The lines of `text` between the line `header` and the next line that does not start with
// two spaces, without those two spaces.
std::vector<std::string> Section(const std::string& text, const std::string& header) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (inside && line.rfind("  ", 0) != 0) break;
    if (inside) lines.push_back(line.substr(2));
    if (line == header) inside = true;
  }
  return lines;
}

// The commands `arbiter --help` lists, in order, each labels subcommand after `labels`.
std::vector<std::string> Commands() {
  std::vector<std::string> commands;
  auto first_word = [](const std::string& line) { return line.substr(0, line.find(' ')); };
  for (const std::string& line : Section(RunArbiter("--help").out, "Subcommands:")) {
    std::string name = first_word(line);
    commands.push_back(name);
    for (const std::string& sub : Section(RunArbiter(name + " --help").out, "Subcommands:")) {
      commands.push_back(name + " " + first_word(sub));
    }
  }
  return commands;
}

TEST(HelpCliTest, EveryCommandHasTwoExamplesAndItsOwnExitCodes) {
  std::vector<std::string> commands = Commands();
  ASSERT_GE(commands.size(), 16u);  // 11 commands and labels' 5 subcommands
  for (const std::string& command : commands) {
    auto help = RunArbiter(command + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    std::vector<std::string> examples = Section(help.out, "Examples:");
    EXPECT_EQ(examples.size(), 2u) << command << "\n" << help.out;
    for (const std::string& example : examples) {
      // An example runs the command itself, with or without arguments.
      bool runs_command =
          example == "arbiter " + command || example.rfind("arbiter " + command + " ", 0) == 0;
      EXPECT_TRUE(runs_command) << example;
    }
    std::vector<std::string> codes = Section(help.out, "Exit codes:");
    ASSERT_FALSE(codes.empty()) << command << "\n" << help.out;
    EXPECT_EQ(codes.front().rfind("0  success", 0), 0u) << command;
    EXPECT_THAT(help.out, HasSubstr("2  usage or configuration error")) << command;
    // The gate outcomes only where the gate decides; --strict only where the command has it.
    bool gate = command == "gate";
    EXPECT_EQ(help.out.find("1  gate blocked") != std::string::npos, gate) << command;
    EXPECT_EQ(help.out.find("4  gate inconclusive") != std::string::npos, gate) << command;
    bool strict = help.out.find("  --strict") != std::string::npos;
    EXPECT_EQ(help.out.find("warnings under --strict") != std::string::npos, strict) << command;
    // The top-level footer, which lists every code, is not repeated on a command's page.
    EXPECT_THAT(help.out, Not(HasSubstr("4 gate inconclusive."))) << command;
  }
  EXPECT_THAT(RunArbiter("--help").out, HasSubstr("4 gate inconclusive."));
}

TEST(HelpCliTest, EveryExampleRunsFromTheSourceRoot) {
  // In the order --help lists the commands, so runs precede the calibration and the gate that
  // read them; "out/" goes to a temporary folder.
  TempDir dir;
  const std::string out = dir.path().string() + "/";
  int ran = 0;
  for (const std::string& command : Commands()) {
    if (command == "merge") {
      // merge's examples add up the two shards of a run, as README's "Sharding a run" makes them.
      for (const char* index : {"0", "1"}) {
        auto shard = RunArbiter(
            "run -q -s evaluators/suites/demo.yaml -t datasets/demo/traces.jsonl"
            " -o " +
            out + "shard-" + index + " --shard " + index + "/2");
        EXPECT_EQ(shard.exit_code, 0) << shard.err;
      }
    }
    for (std::string example : Section(RunArbiter(command + " --help").out, "Examples:")) {
      for (size_t at = example.find(" out/"); at != std::string::npos;
           at = example.find(" out/", at)) {
        example.replace(at + 1, 4, out);
      }
      auto result = RunArbiter(example.substr(std::string("arbiter ").size()));
      // The gate's examples compare the seed scenario's swapped model: blocked (exit 1).
      if (command == "gate") {
        EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << example << "\n"
                                                                    << result.err;
      } else {
        EXPECT_EQ(result.exit_code, 0) << example << "\n" << result.err;
      }
      ++ran;
    }
  }
  EXPECT_GE(ran, 32);
}

TEST(HelpCliTest, ShortFlagsMeanTheLongOnes) {
  TempDir dir;
  const std::string traces = " datasets/seed/candidate-swap.jsonl.gz ";
  auto longer = RunArbiter("run --suite evaluators/suites/demo.yaml --traces" + traces + "--out " +
                           (dir.path() / "long").string() + " --threads 2 --quiet");
  auto shorter = RunArbiter("run -s evaluators/suites/demo.yaml -t" + traces + "-o " +
                            (dir.path() / "short").string() + " -j 2 -q");
  ASSERT_EQ(longer.exit_code, 0) << longer.err;
  ASSERT_EQ(shorter.exit_code, 0) << shorter.err;
  std::string scorecard = ReadFile(dir.path() / "long" / "scorecard.json");
  EXPECT_THAT(scorecard, HasSubstr("citation-grounded"));
  EXPECT_EQ(ReadFile(dir.path() / "short" / "scorecard.json"), scorecard);
  EXPECT_EQ(ReadFile(dir.path() / "short" / "scores.jsonl"),
            ReadFile(dir.path() / "long" / "scores.jsonl"));

  // The same letter means the same flag on every command that has the flag.
  for (const char* command : {"validate", "run", "plugins", "calibrate", "gate"}) {
    EXPECT_THAT(RunArbiter(std::string(command) + " --help").out, HasSubstr("-s,--suite"))
        << command;
  }
  for (const char* command : {"validate", "run", "calibrate", "redact", "sample", "triage"}) {
    EXPECT_THAT(RunArbiter(std::string(command) + " --help").out, HasSubstr("-t,--traces"))
        << command;
  }
  for (const char* command : {"run", "calibrate", "gate", "redact", "sample", "triage"}) {
    EXPECT_THAT(RunArbiter(std::string(command) + " --help").out, HasSubstr("-o,--out")) << command;
  }
  for (const char* command : {"run", "calibrate", "triage"}) {
    EXPECT_THAT(RunArbiter(std::string(command) + " --help").out, HasSubstr("-j,--threads"))
        << command;
  }
  EXPECT_THAT(RunArbiter("run --help").out, HasSubstr("-q,--quiet"));
}

// Sources `script` in a bash subshell, completes `words` (the last is the one being typed) and
// returns COMPREPLY, space-separated.
std::string Complete(const std::filesystem::path& script, const std::string& words) {
  TempDir dir;
  std::string reply = (dir.path() / "reply").string();
  std::string command = "bash -c 'source " + script.string() + " && COMP_WORDS=(" + words +
                        ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _arbiter && "
                        "echo \"${COMPREPLY[*]}\"' >" +
                        reply;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::string text = ReadFile(reply);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

TEST(HelpCliTest, BashCompletionFromTheCommandTree) {
  TempDir dir;
  auto bash = RunArbiter("completion bash");
  ASSERT_EQ(bash.exit_code, 0) << bash.err;
  std::filesystem::path script = dir.Write("arbiter.bash", bash.out);
  EXPECT_EQ(std::system(("bash -n " + script.string()).c_str()), 0) << bash.out;
  EXPECT_EQ(Complete(script, "arbiter ga"), "gate");
  EXPECT_EQ(Complete(script, "arbiter gate --hi"), "--history");
  EXPECT_EQ(Complete(script, "arbiter run -s S -t"), "-t");
  EXPECT_EQ(Complete(script, "arbiter labels ver"), "verify");
  EXPECT_EQ(Complete(script, "arbiter labels import --ro"), "--root");
  EXPECT_EQ(Complete(script, "arbiter triage --thr"), "--threads");

  auto zsh = RunArbiter("completion zsh");
  ASSERT_EQ(zsh.exit_code, 0) << zsh.err;
  EXPECT_EQ(zsh.out.rfind("#compdef arbiter\n", 0), 0u);
  EXPECT_THAT(zsh.out, HasSubstr("bashcompinit"));
  EXPECT_THAT(zsh.out, HasSubstr(bash.out));

  auto fish = RunArbiter("completion fish");
  EXPECT_EQ(fish.exit_code, 2);
}

}  // namespace
}  // namespace arbiter
