// External plugins end to end: the real `arbiter` binary loading libraries through dlopen, from
// --plugin-path and from a suite's `plugins:`.
#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/abi/abi_plugins.h"
#include "tests/cli_util.h"

namespace arbiter {
namespace {

using testing::AbiPlugin;
using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

TEST(ExternalPluginCliTest, PluginsListsTheExampleWithOriginAndSchema) {
  auto plugins = RunArbiter(std::string("plugins --schema --plugin-path ") + READABILITY_PLUGIN);
  ASSERT_EQ(plugins.exit_code, 0) << plugins.err;
  EXPECT_THAT(plugins.out, HasSubstr(std::string("readability  v1   ") + READABILITY_PLUGIN));
  EXPECT_THAT(plugins.out, HasSubstr("\"min_words\""));
  EXPECT_THAT(plugins.out, HasSubstr("regex "));  // the built-ins are still listed
}

TEST(ExternalPluginCliTest, ExampleSuiteRunsTheExternalPluginThroughDlopen) {
  std::string folder = std::filesystem::path(READABILITY_PLUGIN).parent_path().string();
  setenv("ARBITER_PLUGIN_DIR", folder.c_str(), 1);
  auto validate = RunArbiter("validate --suite evaluators/suites/external-example.yaml");
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("readable-answer v1  plugin readability"));

  TempDir dir;
  auto run = RunArbiter(
      "run --quiet --suite evaluators/suites/external-example.yaml --traces "
      "datasets/demo/traces.jsonl --out " +
      dir.path().string());
  unsetenv("ARBITER_PLUGIN_DIR");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string scores = ReadFile(dir.path() / "scores.jsonl");
  EXPECT_THAT(scores,
              HasSubstr("\"evaluator\": \"readable-answer\", \"version\": 1, \"score\": 0."));
  EXPECT_THAT(scores, HasSubstr("\"reason\": \"reading ease "));
  std::string card = ReadFile(dir.path() / "scorecard.json");
  EXPECT_THAT(card, HasSubstr("\"plugin\": \"readability\""));
}

TEST(ExternalPluginCliTest, PluginResultsGoThroughTheHostChecksAndTheRunGoesOn) {
  TempDir dir;
  dir.Write("echo-high.yaml",
            "id: echo-high\nversion: 1\nplugin: abi_echo\nparams: {score: 1.5}\n");
  dir.Write("echo-nan.yaml", "id: echo-nan\nversion: 1\nplugin: abi_echo\nparams: {score: nan}\n");
  dir.Write("echo-ok.yaml",
            "id: echo-ok\nversion: 1\nplugin: abi_echo\ntarget: output\nparams: {score: 0.75}\n");
  dir.Write("thrower.yaml", "id: thrower\nversion: 2\nplugin: abi_thrower\n");
  dir.Write("suite.yaml", "name: s\nplugins: [" + AbiPlugin("good") + ", " + AbiPlugin("thrower") +
                              "]\nevaluators: [echo-high.yaml, echo-nan.yaml, echo-ok.yaml, "
                              "thrower.yaml]\n");
  std::string traces = dir.Write("traces.jsonl",
                                 "{\"trace_id\": \"t-1\", \"output\": \"hi\"}\n"
                                 "{\"trace_id\": \"fail-1\", \"output\": \"x\"}\n"
                                 "{\"trace_id\": \"throw-runtime\", \"output\": \"x\"}\n"
                                 "{\"trace_id\": \"throw-judge\", \"output\": \"x\"}\n"
                                 "{\"trace_id\": \"throw-int\", \"output\": \"x\"}\n")
                           .string();
  auto run = RunArbiter("run --quiet --threads 2 --suite " + (dir.path() / "suite.yaml").string() +
                        " --traces " + traces + " --out " + (dir.path() / "out").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string scores = ReadFile(dir.path() / "out" / "scores.jsonl");
  auto row = [](const std::string& trace, const std::string& evaluator, int version,
                const std::string& rest) {
    return "{\"trace_id\": \"" + trace + "\", \"evaluator\": \"" + evaluator +
           "\", \"version\": " + std::to_string(version) + ", " + rest + "}\n";
  };
  const std::string error = "\"score\": null, \"pass\": null, \"reason\": null, \"error\": ";
  for (const std::string& expected : {
           row("t-1", "echo-high", 1,
               error + "\"plugin 'abi_echo' returned score 1.5, outside [0, 1]\""),
           row("t-1", "echo-nan", 1, error + "\"plugin 'abi_echo' returned NaN\""),
           row("t-1", "echo-ok", 1,
               "\"score\": 0.75, \"pass\": true, \"reason\": \"echo of hi\", \"error\": null"),
           row("t-1", "thrower", 2,
               "\"score\": 0.25, \"pass\": false, \"reason\": \"quarter\", \"error\": null"),
           row("fail-1", "echo-ok", 1,
               error + "\"plugin 'abi_echo' error 2: asked to fail by fail-1\""),
           row("throw-runtime", "thrower", 2,
               error + "\"plugin 'abi_thrower' error 3: exception: boom\""),
           row("throw-judge", "thrower", 2,
               error + "\"plugin 'abi_thrower' error 2: no output to judge\""),
           row("throw-int", "thrower", 2,
               error + "\"plugin 'abi_thrower' error 3: unknown exception\""),
       }) {
    EXPECT_THAT(scores, HasSubstr(expected));
  }
}

TEST(ExternalPluginCliTest, BadParamsAreRefusedAtLoadWithTheirPosition) {
  TempDir dir;
  dir.Write("bogus.yaml", "id: bogus\nversion: 1\nplugin: abi_thrower\nparams:\n  mode: bogus\n");
  dir.Write("reject.yaml", "id: reject\nversion: 1\nplugin: abi_thrower\nparams: {mode: reject}\n");
  dir.Write("suite.yaml", "name: s\nevaluators: [bogus.yaml, reject.yaml]\n");
  auto validate = RunArbiter("validate --suite " + (dir.path() / "suite.yaml").string() +
                             " --plugin-path " + AbiPlugin("thrower"));
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_THAT(validate.err, HasSubstr((dir.path() / "bogus.yaml").string() +
                                      ":5:3: params do not match the schema of plugin "
                                      "'abi_thrower'"));
  EXPECT_THAT(validate.err,
              HasSubstr((dir.path() / "reject.yaml").string() + ":4:9: plugin 'abi_thrower' (" +
                        AbiPlugin("thrower") +
                        ") rejected the declaration (error 1): mode reject: refused"));
}

TEST(ExternalPluginCliTest, LoadFailuresAreConfigurationErrors) {
  for (const char* command : {"plugins", "validate --suite evaluators/suites/demo.yaml"}) {
    auto crash = RunArbiter(std::string(command) + " --plugin-path " + AbiPlugin("crash"));
    EXPECT_EQ(crash.exit_code, 2) << command;
    EXPECT_THAT(crash.err, AllOf(HasSubstr(AbiPlugin("crash")), HasSubstr("while loading")))
        << command;
    auto major = RunArbiter(std::string(command) + " --plugin-path " + AbiPlugin("newer_major"));
    EXPECT_EQ(major.exit_code, 2) << command;
    EXPECT_THAT(major.err, HasSubstr("built for plugin ABI 2.0")) << command;
  }
  TempDir dir;
  dir.Write("suite.yaml", "name: s\nplugins: [missing.so]\nevaluators: [x.yaml]\n");
  auto missing = RunArbiter("validate --suite " + (dir.path() / "suite.yaml").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr((dir.path() / "suite.yaml").string() +
                                     ":2:11: plugin "
                                     "library or folder '" +
                                     (dir.path() / "missing.so").string() + "' not found"));
}

}  // namespace
}  // namespace arbiter
