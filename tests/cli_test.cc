// The CLI end to end: the real binary on real files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include <sys/stat.h>

#include <zlib.h>

#include <nlohmann/json.hpp>

#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kDemoSuite[] = "evaluators/suites/demo.yaml";
constexpr char kDemoTraces[] = "datasets/demo/traces.jsonl";

TEST(CliTest, HelpAndUnknownCommands) {
  auto help = RunArbiter("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("run"));
  EXPECT_THAT(help.out, HasSubstr("validate"));
  for (const char* command : {"run", "validate", "plugins"}) {
    auto sub = RunArbiter(std::string(command) + " --help");
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_THAT(sub.out, HasSubstr("Usage: arbiter " + std::string(command))) << command;
  }
  auto typo = RunArbiter("rnu");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("unknown command 'rnu' (did you mean 'run'?)"));
  auto missing = RunArbiter("run --suite x.yaml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--traces is required"));
  // A mistyped flag is named as unknown, with the closest one, not as a missing --traces.
  auto flag = RunArbiter("run --suite x.yaml --trace t.jsonl --out o");
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_THAT(flag.err,
              HasSubstr("arbiter run: unknown option '--trace' (did you mean '--traces'?)"));
  // `arbiter` alone prints the usage (exit 2); `arbiter help gate` a command's (exit 0).
  auto bare = RunArbiter("");
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_THAT(bare.err, HasSubstr("Usage: arbiter"));
  EXPECT_THAT(bare.err, HasSubstr("4 gate inconclusive"));
  auto help_gate = RunArbiter("help gate");
  EXPECT_EQ(help_gate.exit_code, 0);
  EXPECT_THAT(help_gate.out, HasSubstr("Usage: arbiter gate"));
  EXPECT_THAT(help_gate.out, HasSubstr("--allow-uncalibrated"));
  // Each of these said "A subcommand is required", naming nothing, or showed another page.
  auto help_nested = RunArbiter("help labels import");
  EXPECT_EQ(help_nested.exit_code, 0);
  EXPECT_THAT(help_nested.out, HasSubstr("Usage: arbiter labels import"));
  EXPECT_THAT(help_nested.out, HasSubstr("--from"));
  auto nested_typo = RunArbiter("labels imprt --from x");
  EXPECT_EQ(nested_typo.exit_code, 2);
  EXPECT_THAT(nested_typo.err,
              HasSubstr("arbiter labels: unknown command 'imprt' (did you mean 'import'?)"));
  auto labels_alone = RunArbiter("labels");
  EXPECT_EQ(labels_alone.exit_code, 2);
  EXPECT_THAT(labels_alone.err, HasSubstr("Usage: arbiter labels"));
  auto help_typo = RunArbiter("help labels bogus");
  EXPECT_EQ(help_typo.exit_code, 2);
  EXPECT_THAT(help_typo.err, HasSubstr("arbiter labels: unknown command 'bogus'"));
  auto option_first = RunArbiter("--suite x.yaml run");
  EXPECT_EQ(option_first.exit_code, 2);
  EXPECT_THAT(option_first.err, HasSubstr("unknown option '--suite' before any command"));
  auto version = RunArbiter("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("arbiter 0."));
}

TEST(CliTest, PluginsListsEveryBuiltin) {
  auto plugins = RunArbiter("plugins");
  ASSERT_EQ(plugins.exit_code, 0);
  for (const char* name :
       {"citations", "contains", "json_schema", "length", "lua", "regex", "tool_calls"}) {
    EXPECT_THAT(plugins.out, HasSubstr(std::string(name) + " ")) << name;
  }
}

TEST(CliTest, ValidateAcceptsTheDemoSuite) {
  auto result = RunArbiter(std::string("validate --suite ") + kDemoSuite);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("ok: suite 'support-agent-demo'"));
}

TEST(CliTest, BrokenEvaluatorIsAConfigurationErrorWithItsPosition) {
  TempDir dir;
  dir.Write("bad.yaml", "id: bad\nversion: 1\nplugin: regex\nparams:\n  patterns: ['(unclosed']\n");
  dir.Write("suite.yaml", "name: s\nevaluators: [bad.yaml]\n");
  auto validate = RunArbiter("validate --suite " + (dir.path() / "suite.yaml").string());
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_THAT(validate.err, HasSubstr((dir.path() / "bad.yaml").string() +
                                      ":5:14: bad pattern '(unclosed': missing )"));
  auto run = RunArbiter("run --suite " + (dir.path() / "suite.yaml").string() + " --traces " +
                        kDemoTraces + " --out " + (dir.path() / "out").string());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out" / "scores.jsonl"));
}

TEST(CliTest, MissingTraceFileIsAUsageError) {
  TempDir dir;
  auto run = RunArbiter(std::string("run --suite ") + kDemoSuite +
                        " --traces /nonexistent.jsonl --out " + dir.path().string());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent.jsonl: no such trace file"));
}

// The golden scorecard of the bundled data: any change to a plugin, the data or the scorecard
// shows up here. Regenerate deliberately with ARBITER_UPDATE_GOLDEN=1 and review the diff.
TEST(CliTest, DemoRunMatchesGoldenScorecard) {
  TempDir dir;
  auto run = RunArbiter(std::string("run --quiet --suite ") + kDemoSuite + " --traces " +
                        kDemoTraces + " --out " + dir.path().string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("scorecard: " + (dir.path() / "scorecard.json").string()));
  EXPECT_THAT(run.err, HasSubstr("report: " + (dir.path() / "report.html").string()));
  std::string scorecard = ReadFile(dir.path() / "scorecard.json");
  std::string golden_path = "tests/golden/demo-scorecard.json";
  if (std::getenv("ARBITER_UPDATE_GOLDEN")) {
    std::filesystem::create_directories("tests/golden");
    std::ofstream(golden_path, std::ios::binary) << scorecard;
  }
  EXPECT_EQ(scorecard, ReadFile(golden_path));
  std::string markdown = ReadFile(dir.path() / "scorecard.md");
  EXPECT_THAT(markdown, HasSubstr("| citation-grounded |"));
  EXPECT_THAT(markdown, HasSubstr("## Pass rate by metadata.intent"));
  EXPECT_THAT(markdown, HasSubstr("## Failing and erring traces"));
  // report.html: the same scorecard as a page, each evaluator with its failing traces.
  std::string html = ReadFile(dir.path() / "report.html");
  EXPECT_THAT(html, HasSubstr("<h1>arbiter run: support-agent-demo</h1>"));
  EXPECT_THAT(html, HasSubstr("<tr data-evaluator=\"citation-grounded\">"));
  EXPECT_THAT(html, HasSubstr("<section data-evaluator=\"citation-grounded\">"));
  EXPECT_THAT(html, HasSubstr("<h2>Pass rate by metadata.language</h2>"));
  EXPECT_THAT(html, HasSubstr("failing traces</summary>"));
}

TEST(CliTest, OutputDoesNotDependOnThreadCount) {
  TempDir dir;
  const char* const names[] = {"scores.jsonl", "scorecard.json", "scorecard.md", "report.html"};
  std::string files[2][4];
  int threads[2] = {1, 4};
  for (int i = 0; i < 2; ++i) {
    auto out = dir.path() / ("t" + std::to_string(threads[i]));
    auto run =
        RunArbiter(std::string("run --quiet --suite ") + kDemoSuite + " --traces " + kDemoTraces +
                   " --out " + out.string() + " --threads " + std::to_string(threads[i]));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    for (int f = 0; f < 4; ++f) files[i][f] = ReadFile(out / names[f]);
  }
  EXPECT_GT(files[0][0].size(), 100000u);
  for (int f = 0; f < 4; ++f) EXPECT_EQ(files[0][f], files[1][f]) << names[f];
}

TEST(CliTest, ThreadCountIsCapped) {
  // 100000 threads ended in an uncaught std::system_error (abort) or a long stall.
  TempDir dir;
  for (std::string command :
       {std::string("run --suite ") + kDemoSuite + " --out " + (dir.path() / "o").string(),
        "triage --top 5 --out " + (dir.path() / "q.jsonl").string(),
        std::string("calibrate --suite ") + kDemoSuite + " --labels x@v1 --no-history --out " +
            (dir.path() / "c").string()}) {
    auto result = RunArbiter(command + " --traces " + kDemoTraces + " --threads 100000");
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_THAT(result.err, HasSubstr("--threads: Value 100000 not in range 0 to 1024")) << command;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "o")) << command;
  }
}

TEST(CliTest, OutputThatIsAnInputIsRefused) {
  // Each once replaced its input: triage left 5 of 100 lines, sample overwrote the policy.
  TempDir dir;
  std::string traces = ReadFile(kDemoTraces);
  auto q = dir.Write("q.jsonl", traces);
  auto policy = dir.Write("pol.yaml", "targets: {default: 3}\n");
  auto run_dir = dir.path() / "same";
  auto scores = dir.Write("same/scores.jsonl", traces);
  const std::string commands[] = {
      "triage --top 5 --traces " + q.string() + " --out " + q.string(),
      "triage --top 5 --traces " + q.string() + " --out " + dir.path().string() + "/./q.jsonl",
      "redact --traces " + q.string() + " --out " + q.string(),
      "sample --policy " + policy.string() + " --traces " + q.string() + " --out " +
          policy.string(),
      std::string("run --suite ") + kDemoSuite + " --traces " + scores.string() + " --out " +
          run_dir.string()};
  for (const std::string& command : commands) {
    auto result = RunArbiter(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_THAT(result.err, HasSubstr("is also an input")) << command;
  }
  EXPECT_EQ(ReadFile(q), traces);
  EXPECT_EQ(ReadFile(scores), traces);
  EXPECT_EQ(ReadFile(policy), "targets: {default: 3}\n");
  EXPECT_FALSE(std::filesystem::exists(run_dir / "scorecard.json"));
}

TEST(CliTest, WholeNumberFlagsSayWhatIsWrongAndRefuseSigns) {
  // --top 0 printed "Value 0 not in range 0.000000 to 1797...(309 digits).000000", and an
  // unsigned --seed took -1 as 18446744073709551615.
  TempDir dir;
  auto policy = dir.Write("p.yaml", "targets: {default: 3}\n");
  const std::string traces = std::string(" --traces ") + kDemoTraces;
  const std::string sample =
      "sample --policy " + policy.string() + traces + " --out " + (dir.path() / "s.jsonl").string();
  const std::string triage = "triage" + traces + " --out " + (dir.path() / "q.jsonl").string();
  const std::pair<std::string, std::string> cases[] = {
      {triage + " --top 0", "--top: 0 is below 1"},
      {triage + " --top abc", "--top: 'abc' is not a whole number"},
      {triage + " --top 5 --per-session -1", "--per-session: '-1' is not a whole number"},
      {sample + " --seed -1", "--seed: '-1' is not a whole number"},
      {sample + " --seed 18446744073709551616", "--seed: 18446744073709551616 is too large"},
      {std::string("validate --suite ") + kDemoSuite + traces + " --limit 0",
       "--limit: 0 is below 1"},
      {"serve --out " + (dir.path() / "serve").string() + " --late-ids -2",
       "--late-ids: '-2' is not a whole number"},
  };
  for (const auto& [command, message] : cases) {
    auto result = RunArbiter(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_THAT(result.err, HasSubstr(message)) << command;
    EXPECT_THAT(result.err, Not(HasSubstr("0.000000"))) << command;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "s.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "serve"));
  EXPECT_EQ(RunArbiter(sample + " --seed 18446744073709551615").exit_code, 0);
}

TEST(CliTest, AnInputWithoutATraceWarns) {
  // redact, triage and sample on an empty file (or one of broken lines) exited 0 without a word;
  // run and validate warned.
  TempDir dir;
  auto empty = dir.Write("empty.jsonl", "");
  auto broken = dir.Write("broken.jsonl", "{cut\n[1]\n");
  auto policy = dir.Write("p.yaml", "targets: {default: 3}\n");
  const std::string out = " --out " + (dir.path() / "out.jsonl").string();
  for (const std::string& command : {std::string("redact"), std::string("triage --top 5"),
                                     "sample --policy " + policy.string()}) {
    auto none = RunArbiter(command + out + " --traces " + empty.string());
    EXPECT_EQ(none.exit_code, 0) << command;
    EXPECT_THAT(none.err, HasSubstr("warning: no trace in the input (empty)")) << command;
    auto all_broken = RunArbiter(command + out + " --traces " + broken.string());
    EXPECT_THAT(all_broken.err, HasSubstr("warning: no trace in the input: every one of 2 records "
                                          "was broken"))
        << command;
    auto fine = RunArbiter(command + out + " --traces " + kDemoTraces);
    EXPECT_THAT(fine.err, Not(HasSubstr("warning: no trace"))) << command;
  }
}

TEST(CliTest, AWrongPathIsAUsageErrorNamingIt) {
  // Each exited 3, as a runtime failure: a history store that is not one ("file is not a
  // database", without the file), a label set that does not exist (printed as CHANGED), a file
  // given to init as its folder.
  TempDir dir;
  auto text = dir.Write("notes.txt", "not a database, not a folder\n");
  auto history = RunArbiter("history --history " + text.string());
  EXPECT_EQ(history.exit_code, 2);
  EXPECT_THAT(history.err, HasSubstr(text.string() + ": not a history store"));
  auto verify = RunArbiter("labels verify nope@v1 --root " + dir.path().string());
  EXPECT_EQ(verify.exit_code, 2);
  EXPECT_THAT(verify.err, HasSubstr("nope@v1: no folder"));
  auto init = RunArbiter("init " + text.string());
  EXPECT_EQ(init.exit_code, 2);
  EXPECT_THAT(init.err, HasSubstr("Not a directory"));
  EXPECT_EQ(ReadFile(text), "not a database, not a folder\n");
}

TEST(CliTest, FlagsThatWouldBeIgnoredOrMisreadAreRefused) {
  // `validate --limit 5` without --traces was ignored; `labels import --created-at yesterday`
  // was stored and listed as "created yesterday".
  TempDir dir;
  auto limit = RunArbiter(std::string("validate --suite ") + kDemoSuite + " --limit 5");
  EXPECT_EQ(limit.exit_code, 2);
  EXPECT_THAT(limit.err, HasSubstr("--limit requires --traces"));
  auto csv = dir.Write("in.csv", "trace_id,failure_mode,label\nt-1,tone,fail\n");
  const std::string import = "labels import --name s --reviewer ana --from " + csv.string() +
                             " --root " + dir.path().string() + " --created-at ";
  auto yesterday = RunArbiter(import + "yesterday");
  EXPECT_EQ(yesterday.exit_code, 2);
  EXPECT_THAT(yesterday.err, HasSubstr("'yesterday' is not an RFC 3339 time"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "s"));
  EXPECT_EQ(RunArbiter(import + "2026-12-07T10:00:00Z").exit_code, 0);
}

TEST(CliTest, APathTooLongForTheFileSystemIsNotFoundNotAnAbort) {
  // A suite naming an evaluator file whose name has over 255 bytes aborted validate and run: an
  // uncaught filesystem_error "File name too long" (found by the config_yaml fuzzer).
  TempDir dir;
  const std::string name = std::string(300, 'e') + ".yaml";
  auto suite = dir.Write("s.yaml", "name: s\nevaluators: [" + name + "]\n");
  for (const std::string& command :
       {std::string("validate"),
        "run --out " + (dir.path() / "o").string() + " --traces " + kDemoTraces}) {
    auto result = RunArbiter(command + " --suite " + suite.string());
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.err;
    EXPECT_THAT(result.err, HasSubstr("s.yaml:2:14: evaluator file")) << command;
    EXPECT_THAT(result.err, HasSubstr("not found")) << command;
  }
  auto gate = RunArbiter("gate --baseline " + dir.path().string() + " --candidate " +
                         dir.path().string() + " --out " + (dir.path() / "g").string() +
                         " --calibration " + std::string(300, 'c'));
  EXPECT_EQ(gate.exit_code, 2) << gate.err;
}

TEST(CliTest, PluginsRefusesASuiteWithAnUnknownKey) {
  // `plugins --suite` read only `plugins:`, so `plugns:` listed no external plugin and exit 0.
  TempDir dir;
  auto suite = dir.Write("s.yaml", "name: ext\nplugns: [libnope.so]\nevaluators: []\n");
  auto result = RunArbiter("plugins --suite " + suite.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(suite.string() + ":2:1: unknown key 'plugns'"));
}

TEST(CliTest, AnOutputThatIsTheFocusStateIsRefused) {
  // `--out pf.focus-state.json` (the default state beside the policy) once ended with the
  // sample overwritten by the state; `--out x --focus-state x` on a first run, likewise.
  TempDir dir;
  auto policy =
      dir.Write("pf.yaml",
                "targets: {default: 3}\nfocus: [{name: de, when: \"metadata.language == 'de'\", "
                "collect: 2}]\n");
  const std::string sample = "sample --update-focus --policy " + policy.string() + " --traces " +
                             std::string(kDemoTraces) + " --out ";
  const std::string state = (dir.path() / "pf.focus-state.json").string();
  const std::string fresh = (dir.path() / "new" / "x.jsonl").string();
  for (const std::string& command : {sample + state, sample + fresh + " --focus-state " + fresh}) {
    auto result = RunArbiter(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_THAT(result.err, HasSubstr("is also an input")) << command;
  }
  EXPECT_FALSE(std::filesystem::exists(state));
  EXPECT_FALSE(std::filesystem::exists(fresh));
}

TEST(CliTest, ReportsAreNotWrittenIntoARunOrALabelSet) {
  // `gate -o` a run's folder replaced the run's report.html; `calibrate -o` a label set's version
  // folder made `labels verify` fail on the label set ever after.
  TempDir dir;
  const std::string run = (dir.path() / "run").string();
  std::filesystem::create_directories(run);
  auto gate = RunArbiter("gate --allow-uncalibrated --baseline " + run + " --candidate " +
                         dir.path().string() + "/./run --out " + run);
  EXPECT_EQ(gate.exit_code, 2);
  EXPECT_THAT(gate.err, HasSubstr("--out " + run + " is the --baseline run"));
  auto root = dir.path() / "labels";
  std::filesystem::create_directories(root / "seed" / "v1");
  auto calibrate = RunArbiter(std::string("calibrate --no-history --suite ") + kDemoSuite +
                              " --traces " + kDemoTraces + " --labels seed@v1 --labels-root " +
                              root.string() + " --out " + (root / "seed" / "v1").string());
  EXPECT_EQ(calibrate.exit_code, 2);
  EXPECT_THAT(calibrate.err, HasSubstr("lies in the label set"));
  EXPECT_TRUE(std::filesystem::is_empty(root / "seed" / "v1"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "run" / "gate.json"));
}

TEST(CliTest, AnOutputThatIsAPipeIsRefusedAndStaysAPipe) {
  // `redact -o /dev/full` once replaced the device with a file of traces; a named pipe stands in
  // for a device here (the rename would replace a real device if the check failed).
  TempDir dir;
  auto pipe = dir.path() / "pipe";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  for (const std::string& command :
       {"redact --traces " + std::string(kDemoTraces) + " --out " + pipe.string(),
        "triage --top 5 --traces " + std::string(kDemoTraces) + " --out " + pipe.string()}) {
    auto result = RunArbiter(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_THAT(result.err, HasSubstr(pipe.string() + ": is a named pipe; ")) << command;
    EXPECT_TRUE(std::filesystem::is_fifo(pipe)) << command;
  }
}

TEST(CliTest, ConfigurationPathsThatAreNotFilesAreRefused) {
  // `evaluators: [/dev/zero]` and a schema_file of /dev/zero once read forever.
  TempDir dir;
  auto suite = dir.Write("suite.yaml", "name: s\nevaluators: [/dev/zero]\n");
  auto validate = RunArbiter("validate --suite " + suite.string());
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_THAT(validate.err,
              HasSubstr("/dev/zero: cannot read file: not a regular file (a device, FIFO or "
                        "socket)"));
  dir.Write("e.yaml", "id: e\nversion: 1\nplugin: json_schema\nparams: {schema_file: /dev/zero}\n");
  auto schema_suite = dir.Write("s2.yaml", "name: s\nevaluators: [e.yaml]\n");
  auto schema = RunArbiter("validate --suite " + schema_suite.string());
  EXPECT_EQ(schema.exit_code, 2);
  EXPECT_THAT(schema.err, HasSubstr("cannot read schema_file '/dev/zero': not a regular file"));
  auto policy = dir.Write("pol.yaml",
                          "targets: {default: 3}\nfailure: {any: [{scores: /dev/zero, evaluator: "
                          "e, below: 0.5}]}\n");
  auto sample = RunArbiter("sample --policy " + policy.string() + " --traces " + kDemoTraces +
                           " --out " + (dir.path() / "s.jsonl").string());
  EXPECT_EQ(sample.exit_code, 2);
  EXPECT_THAT(sample.err, HasSubstr("/dev/zero: not a regular file"));
}

TEST(CliTest, BrokenTracesAreReportedCountedAndSkipped) {
  TempDir dir;
  dir.Write("e.yaml", "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n");
  auto suite = dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\n");
  std::string traces =
      "{\"trace_id\": \"t-1\", \"output\": \"fine\"}\n"
      "{\"trace_id\": \"t-2\", \"output\": \"unterminated}\n"
      "{\"trace_id\": \"t-3\", \"messages\": {\"role\": \"user\"}}\n"
      "{\"trace_id\": \"t-4\", \"output\": \"bad \xC3\x28 utf8\"}\n"
      "\n"
      "{\"trace_id\": \"t-6\", \"output\": \"also fine\"}\n";
  auto file = dir.Write("traces.jsonl", traces);
  auto out = dir.path() / "out";
  auto run = RunArbiter("run --suite " + suite.string() + " --traces " + file.string() + " --out " +
                        out.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The column and the cause, which simdjson does not give ("The input is not valid UTF-8").
  EXPECT_THAT(
      run.err,
      HasSubstr(file.string() + ":2: not valid JSON at column 45: syntax error while parsing value "
                                "- invalid string: missing closing quote"));
  EXPECT_THAT(run.err,
              HasSubstr(file.string() + ":3: field 'messages' must be an array, got an object"));
  EXPECT_THAT(
      run.err,
      HasSubstr(file.string() + ":4: not valid JSON at column 37: syntax error while parsing value "
                                "- invalid string: ill-formed UTF-8 byte; last read: '\"bad "
                                "\uFFFD('"));
  std::string card = ReadFile(out / "scorecard.json");
  EXPECT_THAT(card, HasSubstr("\"traces\": 2,"));
  EXPECT_THAT(card, HasSubstr("\"trace_errors\": 3,"));
  std::string errors = ReadFile(out / "trace_errors.jsonl");
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 3);
  EXPECT_THAT(errors, HasSubstr("\"line\": 3"));
  std::string scores = ReadFile(out / "scores.jsonl");
  EXPECT_THAT(scores, HasSubstr("\"trace_id\": \"t-6\""));
  EXPECT_THAT(scores, Not(HasSubstr("\"trace_id\": \"t-3\"")));

  auto strict = RunArbiter("run --strict --suite " + suite.string() + " --traces " + file.string() +
                           " --out " + (dir.path() / "strict").string());
  EXPECT_EQ(strict.exit_code, 3);
  EXPECT_THAT(strict.err, HasSubstr(file.string() + ":2: not valid JSON"));
  EXPECT_THAT(strict.err, HasSubstr("(--strict)"));
  // The run stops on the line: it is not also reported as "skipped".
  EXPECT_THAT(strict.err, Not(HasSubstr("skipped"))) << strict.err;
}

TEST(CliTest, OversizedLineIsReportedWithItsLength) {
  TempDir dir;
  dir.Write("e.yaml", "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 100}\n");
  auto suite = dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\n");
  std::string huge = "{\"trace_id\": \"big\", \"output\": \"" + std::string(17 << 20, 'a') + "\"}";
  auto file = dir.Write("traces.jsonl", "{\"trace_id\": \"a\", \"output\": \"x\"}\n" + huge +
                                            "\n{\"trace_id\": \"b\", \"output\": \"y\"}\n");
  auto run = RunArbiter("run --suite " + suite.string() + " --traces " + file.string() + " --out " +
                        (dir.path() / "out").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr(file.string() + ":2: line of " + std::to_string(huge.size()) +
                                 " bytes exceeds the limit of 16777216 bytes"));
  EXPECT_THAT(ReadFile(dir.path() / "out" / "scorecard.json"), HasSubstr("\"traces\": 2,"));
}

TEST(CliTest, ReadsGzipAndStandardInput) {
  TempDir dir;
  dir.Write("e.yaml", "id: short\nversion: 1\nplugin: length\nparams: {max_chars: 4}\n");
  auto suite = dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\n");
  std::string traces =
      "{\"trace_id\": \"t-1\", \"output\": \"ok\"}\n{\"trace_id\": \"t-2\", \"output\": \"too "
      "long\"}\n";
  auto plain = dir.Write("t.jsonl", traces);
  auto gz_path = dir.path() / "t.jsonl.gz";
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  gzwrite(gz, traces.data(), static_cast<unsigned>(traces.size()));
  gzclose(gz);

  auto from_gz = RunArbiter("run --suite " + suite.string() + " --traces " + gz_path.string() +
                            " --out " + (dir.path() / "gz").string());
  ASSERT_EQ(from_gz.exit_code, 0) << from_gz.err;
  auto from_stdin = RunArbiter("run --suite " + suite.string() + " --traces - --out " +
                               (dir.path() / "stdin").string() + " < " + plain.string());
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  std::string gz_scores = ReadFile(dir.path() / "gz" / "scores.jsonl");
  EXPECT_EQ(std::count(gz_scores.begin(), gz_scores.end(), '\n'), 2);
  EXPECT_EQ(gz_scores, ReadFile(dir.path() / "stdin" / "scores.jsonl"));
  // The input hash is of the decompressed content: both runs name the same bytes.
  std::string key = "\"sha256_chunks\": \"";
  std::string gz_card = ReadFile(dir.path() / "gz" / "scorecard.json");
  std::string stdin_card = ReadFile(dir.path() / "stdin" / "scorecard.json");
  ASSERT_NE(gz_card.find(key), std::string::npos) << gz_card;
  EXPECT_EQ(gz_card.substr(gz_card.find(key), key.size() + 65),
            stdin_card.substr(stdin_card.find(key), key.size() + 65));
}

// The scorecard's input hash is the construction FORMATS.md gives, checked against Python's
// hashlib (an independent SHA-256), and `--input-hash sha256` is what sha256sum prints. The demo
// traces are three chunks of 1 MiB, hashed on four threads.
TEST(CliTest, InputHashIsTheDocumentedConstruction) {
  TempDir dir;
  auto script = dir.Write("hash.py",
                          "import hashlib, sys\n"
                          "data = open(sys.argv[1], 'rb').read()\n"
                          "step = 1 << 20\n"
                          "digests = b''.join(hashlib.sha256(data[i:i + step]).digest()\n"
                          "                   for i in range(0, len(data), step))\n"
                          "print(hashlib.sha256(digests).hexdigest(), "
                          "hashlib.sha256(data).hexdigest())\n");
  std::string reference;
  {
    std::string command = "python3 " + script.string() + " " + kDemoTraces;
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) reference += buffer;
    ASSERT_EQ(pclose(pipe), 0) << "python3 is needed (setup.sh installs it)";
  }
  ASSERT_EQ(reference.size(), 64u + 1 + 64 + 1) << reference;
  const std::string chunks = reference.substr(0, 64), plain = reference.substr(65, 64);
  for (const char* kind : {"sha256_chunks", "sha256"}) {
    auto out = dir.path() / kind;
    auto run = RunArbiter(std::string("run --quiet -j 4 --suite ") + kDemoSuite + " --traces " +
                          kDemoTraces + " --out " + out.string() + " --input-hash " + kind);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto card = nlohmann::json::parse(ReadFile(out / "scorecard.json"));
    EXPECT_EQ(card["inputs"][0][kind], std::string(kind) == "sha256" ? plain : chunks) << card;
  }
  auto bad = RunArbiter(std::string("run --suite ") + kDemoSuite + " --traces " + kDemoTraces +
                        " --out " + (dir.path() / "x").string() + " --input-hash md5");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--input-hash"));
}

// --stage-times reports every stage, with the serial ones as a share of the workers' CPU.
TEST(CliTest, StageTimesNameEveryStage) {
  TempDir dir;
  auto run = RunArbiter(std::string("run --quiet -j 2 --stage-times --suite ") + kDemoSuite +
                        " --traces " + kDemoTraces + " --out " + dir.path().string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("stage times: 1000 traces"));
  for (const char* stage :
       {"read (pread into blocks)", "count (lines before a shard's range)",
        "split (lines into batches)", "input hash", "score (parse, evaluate)",
        "consume (scorecard)", "write (scores.jsonl)", "finish (report files)"}) {
    EXPECT_THAT(run.err, HasSubstr(stage));
  }
  EXPECT_THAT(run.err,
              ::testing::ContainsRegex("consume \\(scorecard\\) +1 +[0-9.]+ +[0-9.]+ +1/"));
  // A plain file is read on threads of its own, each a serial stage of its own.
  EXPECT_THAT(run.err, ::testing::ContainsRegex(
                           "read \\(pread into blocks\\) +2 +[0-9.]+ +[0-9.]+ +1/[0-9.]+ each"));
  // A shard's range of a plain file is read in blocks too, after counting the lines before it
  // (one thread for a prefix under 16 MiB).
  auto shard =
      RunArbiter(std::string("run --quiet -j 2 --stage-times --shard 1/2 --suite ") + kDemoSuite +
                 " --traces " + kDemoTraces + " --out " + (dir.path() / "s").string());
  ASSERT_EQ(shard.exit_code, 0) << shard.err;
  EXPECT_THAT(shard.err, ::testing::ContainsRegex(
                             "read \\(pread into blocks\\) +2 +[0-9.]+ +[0-9.]+ +1/[0-9.]+ each"));
  EXPECT_THAT(shard.err, ::testing::ContainsRegex(
                             "count \\(lines before a shard's range\\) +1 +[0-9.]+ +[0-9.]+"));
  auto quiet = RunArbiter(std::string("run --quiet --suite ") + kDemoSuite + " --traces " +
                          kDemoTraces + " --out " + (dir.path() / "q").string());
  EXPECT_THAT(quiet.err, Not(HasSubstr("stage times")));
}

// A hostile script through the real binary: each attack becomes an error row naming the plugin
// and the cause, the other traces are scored, and the run exits 0 well before any wall clock
// limit would (the instruction budget and memory cap stop it, not a timeout).
TEST(CliTest, HostileLuaScriptGivesErrorRowsAndTheRunGoesOn) {
  TempDir dir;
  dir.Write("hostile.lua",
            "function evaluate(trace)\n"
            "  if trace.output == 'loop' then while true do end end\n"
            "  if trace.output == 'bomb' then local s = 'x' for i = 1, 40 do s = s .. s end end\n"
            "  if trace.output == 'escape' then return io.open('/etc/passwd') end\n"
            "  if trace.output == 'shell' then return os.execute('true') end\n"
            "  return 1\n"
            "end\n");
  dir.Write("e.yaml", "id: hostile\nversion: 1\nplugin: lua\nparams: {script: hostile.lua}\n");
  auto suite = dir.Write("suite.yaml", "name: s\nevaluators: [e.yaml]\n");
  auto file = dir.Write("traces.jsonl",
                        "{\"trace_id\": \"t-loop\", \"output\": \"loop\"}\n"
                        "{\"trace_id\": \"t-bomb\", \"output\": \"bomb\"}\n"
                        "{\"trace_id\": \"t-escape\", \"output\": \"escape\"}\n"
                        "{\"trace_id\": \"t-shell\", \"output\": \"shell\"}\n"
                        "{\"trace_id\": \"t-fine\", \"output\": \"fine\"}\n");
  auto out = dir.path() / "out";
  auto run = RunArbiter("run --quiet --suite " + suite.string() + " --traces " + file.string() +
                        " --out " + out.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string scores = ReadFile(out / "scores.jsonl");
  auto row_of = [&](const std::string& id) {
    size_t at = scores.find("\"trace_id\": \"" + id + "\"");
    return at == std::string::npos ? std::string() : scores.substr(at, scores.find('\n', at) - at);
  };
  EXPECT_THAT(row_of("t-loop"), HasSubstr("instruction budget of"));
  EXPECT_THAT(row_of("t-bomb"), HasSubstr("memory limit of"));
  EXPECT_THAT(row_of("t-escape"), HasSubstr("\"score\": null, \"pass\": null"));
  EXPECT_THAT(row_of("t-escape"), HasSubstr("io"));
  EXPECT_THAT(row_of("t-shell"), HasSubstr("\"score\": null, \"pass\": null"));
  EXPECT_THAT(row_of("t-fine"), HasSubstr("\"score\": 1.0, \"pass\": true"));
  std::string card = ReadFile(out / "scorecard.json");
  EXPECT_THAT(card, HasSubstr("\"errors\": 4,"));
}

// The bundled OTLP/JSON file holds the same traces as the JSONL one: scoring it must give the
// same rows (the converter and the reader agree on the mapping of every field the suite reads).
TEST(CliTest, BundledOtlpTracesScoreLikeTheJsonl) {
  TempDir dir;
  auto jsonl = RunArbiter(std::string("run --quiet --suite ") + kDemoSuite + " --traces " +
                          kDemoTraces + " --out " + (dir.path() / "jsonl").string());
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  auto otlp = RunArbiter(std::string("run --quiet --suite ") + kDemoSuite +
                         " --traces datasets/demo/traces.otlp.jsonl --out " +
                         (dir.path() / "otlp").string());
  ASSERT_EQ(otlp.exit_code, 0) << otlp.err;
  std::string scores = ReadFile(dir.path() / "jsonl" / "scores.jsonl");
  EXPECT_GT(scores.size(), 100000u);
  EXPECT_EQ(scores, ReadFile(dir.path() / "otlp" / "scores.jsonl"));
}

}  // namespace
}  // namespace arbiter
