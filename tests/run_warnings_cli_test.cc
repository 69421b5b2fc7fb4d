// `run` says when an evaluator judged nothing useful (issue 12, item 5): the real binary on small
// fixtures with the typos and failures a user makes. Each run still exits 0 with its outputs, the
// warning names the evaluator and the cause on stderr and in scorecard.json; --strict exits 3;
// `validate --traces` finds the same before a long run, writing nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

class RunWarningsCliTest : public ::testing::Test {
 protected:
  // A suite of `declaration` (e.yaml) with `extra` suite keys, over `count` traces.
  void Setup(const std::string& declaration, const std::string& extra = "", int count = 20) {
    dir_.Write("e.yaml", declaration);
    suite_ = dir_.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\n" + extra).string();
    std::string traces;
    for (int i = 0; i < count; ++i) {
      traces += "{\"trace_id\": \"t-" + std::to_string(i) + "\", \"output\": \"answer " +
                std::to_string(i) + "\", \"metadata\": {\"intent\": \"billing\"}}\n";
    }
    traces_ = dir_.Write("traces.jsonl", traces).string();
  }
  CommandResult Run(const std::string& flags = "", const std::string& out = "out") {
    return RunArbiter("run --quiet --suite " + suite_ + " --traces " + traces_ + " --out " +
                      (dir_.path() / out).string() + " " + flags);
  }
  nlohmann::json Warnings(const std::string& out = "out") {
    return nlohmann::json::parse(ReadFile(dir_.path() / out / "scorecard.json"))["warnings"];
  }

  TempDir dir_;
  std::string suite_, traces_;
};

constexpr char kShort[] = "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n";

TEST_F(RunWarningsCliTest, AHealthyRunHasNoWarningEvenUnderStrict) {
  Setup(kShort, "strata: [metadata.intent]\n");
  CommandResult run = Run("--strict");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, Not(HasSubstr("warning")));
  EXPECT_EQ(Warnings(), nlohmann::json::array());
}

TEST_F(RunWarningsCliTest, ATargetTypoWarnsAndStrictExits3WithTheOutputsWritten) {
  Setup("id: cites\nversion: 1\nplugin: length\ntarget: outptu\nparams: {max_chars: 100}\n");
  const std::string message =
      "cites judged no trace: 20 of 20 traces are errors (target path 'outptu' is missing from "
      "the trace)";
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("arbiter run: warning: " + message + "\n"));
  nlohmann::json warnings = Warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0]["evaluator"], "cites");
  EXPECT_EQ(warnings[0]["kind"], "no_trace_judged");
  EXPECT_EQ(warnings[0]["message"], message);
  EXPECT_THAT(ReadFile(dir_.path() / "out" / "scorecard.md"), HasSubstr("- " + message));

  CommandResult strict = Run("--strict", "strict");
  EXPECT_EQ(strict.exit_code, 3);
  EXPECT_THAT(strict.err, HasSubstr("arbiter run: warning: " + message));
  EXPECT_THAT(strict.err, HasSubstr("1 warning under --strict"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "strict" / "scores.jsonl"));
  EXPECT_EQ(Warnings("strict")[0]["kind"], "no_trace_judged");
}

TEST_F(RunWarningsCliTest, ALuaScriptErringOnEveryTrace) {
  dir_.Write("broken.lua", "function evaluate(trace)\n  return trace.outptu.text\nend\n");
  Setup("id: scripted\nversion: 1\nplugin: lua\nparams: {script: broken.lua}\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("arbiter run: warning: scripted judged no trace: 20 of 20 "
                                 "traces are errors ("));
  EXPECT_THAT(run.err, HasSubstr("outptu"));
  EXPECT_EQ(Run("--strict", "strict").exit_code, 3);
}

TEST_F(RunWarningsCliTest, AnErrorShareAboveMaxErrorRate) {
  dir_.Write("some.lua",
             "function evaluate(trace)\n"
             "  if trace.trace_id < 't-3' then error('judge unreachable') end\n"
             "  return 1\n"
             "end\n");
  Setup("id: scripted\nversion: 1\nplugin: lua\nparams: {script: some.lua}\n", "", 10);
  // t-0, t-1, t-10.. sort before 't-3': t-0, t-1, t-2 err (3 of 10).
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, Not(HasSubstr("warning")));  // 0.3 is under the default 0.5
  run = Run("--max-error-rate 0.2", "low");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: scripted: 3 of 10 traces are errors, more than "
                                 "--max-error-rate 0.2 allows ("));
  EXPECT_THAT(run.err, HasSubstr("judge unreachable"));
  EXPECT_EQ(Warnings("low")[0]["kind"], "error_rate");
  for (const char* bad : {"nan", "inf", "1.5", "-0.1"}) {
    EXPECT_EQ(Run(std::string("--max-error-rate ") + bad, "bad").exit_code, 2) << bad;
  }
}

TEST_F(RunWarningsCliTest, AWhenTypoThatHeldOnNoTrace) {
  Setup(std::string(kShort) + "when: \"metadata.intnet == 'billing'\"\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: short judged no trace: its when `metadata.intnet == "
                                 "'billing'` held on none of the 20 traces"));
  EXPECT_EQ(Warnings()[0]["kind"], "when_never_held");
}

TEST_F(RunWarningsCliTest, AStrataPathTypo) {
  Setup(kShort, "strata: [metadata.intnet]\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: strata path 'metadata.intnet' is missing on every "
                                 "trace (20 of 20)"));
  nlohmann::json warnings = Warnings();
  EXPECT_TRUE(warnings[0]["evaluator"].is_null());
  EXPECT_EQ(warnings[0]["kind"], "strata_path_missing");
}

TEST_F(RunWarningsCliTest, EveryInputLineBroken) {
  Setup(kShort, "", 0);
  traces_ = dir_.Write("broken.jsonl", "{\"trace_id\": 1\n{\"trace_id\": 2\n").string();
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("warning: every input line is broken: 2 skipped, no trace "
                                 "scored (not valid JSON"));
  EXPECT_EQ(Warnings()[0]["kind"], "all_input_broken");
}

TEST_F(RunWarningsCliTest, ValidateTracesFindsTheTypoOnTheFirstTracesAndWritesNothing) {
  Setup("id: cites\nversion: 1\nplugin: length\ntarget: outptu\nparams: {max_chars: 100}\n",
        "strata: [metadata.intnet]\n", 300);
  const std::string validate = "validate --suite " + suite_ + " --traces " + traces_;
  // Run from an empty folder, which stays empty: no output, no cache.
  std::filesystem::path cwd = dir_.path() / "cwd";
  std::filesystem::create_directories(cwd);
  ASSERT_EQ(std::system(("cd " + cwd.string() + " && " + testing::ArbiterBin() + " " + validate +
                         " >/dev/null 2>&1")
                            .c_str()),
            0);
  EXPECT_TRUE(std::filesystem::is_empty(cwd));

  CommandResult result = RunArbiter(validate);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("ok: suite 's'"));
  EXPECT_THAT(result.out, HasSubstr("tried on 100 traces: 100 scored, 0 broken, 2 warnings"));
  EXPECT_THAT(result.err, HasSubstr("arbiter validate: warning: strata path 'metadata.intnet' is "
                                    "missing on every trace (100 of 100)"));
  EXPECT_THAT(result.err, HasSubstr("arbiter validate: warning: cites judged no trace: 100 of 100 "
                                    "traces are errors (target path 'outptu' is missing"));

  result = RunArbiter(validate + " --limit 7");
  EXPECT_THAT(result.out, HasSubstr("tried on 7 traces: 7 scored"));
  EXPECT_THAT(result.err, HasSubstr("7 of 7 traces are errors"));
  EXPECT_EQ(RunArbiter(validate + " --strict").exit_code, 3);
  EXPECT_EQ(RunArbiter(validate + " --limit 0").exit_code, 2);
  EXPECT_EQ(RunArbiter(validate + " --max-error-rate nan").exit_code, 2);
  EXPECT_EQ(RunArbiter("validate --suite " + suite_ + " --traces /nonexistent.jsonl").exit_code, 2);

  // Without --traces, validate reads no trace, as before.
  result = RunArbiter("validate --suite " + suite_ + " --strict");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, Not(HasSubstr("tried on")));
}

TEST_F(RunWarningsCliTest, ValidateTracesNamesBrokenTracesAndStrictFailsOnThem) {
  // validate said "1 broken" without the place, and --strict let it pass where `run --strict`
  // fails.
  Setup(kShort);
  std::string traces = ReadFile(traces_);
  size_t second = traces.find('\n') + 1;
  auto broken =
      dir_.Write("broken.jsonl", traces.substr(0, second) + "{cut\n" + traces.substr(second));
  const std::string validate = "validate --suite " + suite_ + " --traces " + broken.string();
  CommandResult result = RunArbiter(validate);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("1 broken"));
  EXPECT_THAT(result.err, HasSubstr(broken.string() + ":2: not valid JSON"));
  CommandResult strict = RunArbiter(validate + " --strict");
  EXPECT_EQ(strict.exit_code, 3) << strict.err;
  EXPECT_THAT(strict.err, HasSubstr(broken.string() + ":2: not valid JSON"));
}

}  // namespace
}  // namespace arbiter
