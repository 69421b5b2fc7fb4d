#include "datasets/demo/demo_generator.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <simdjson.h>

#include "datasets/demo/demo_template.h"
#include "datasets/demo/demo_tools.h"
#include "plugins/register_builtins.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/suite/suite.h"
#include "tests/test_util.h"

namespace arbiter::demo {
namespace {

using ::testing::HasSubstr;

// Traces and truth lines for `count` traces of `seed`, one string per line.
struct Generated {
  std::vector<std::string> traces;
  std::vector<std::string> truth;
  std::vector<std::array<bool, kFailureCount>> injected;
};

Generated Generate(uint64_t seed, int count) {
  DemoGenerator generator(seed);
  Generated out;
  for (int i = 0; i < count; ++i) {
    std::string trace, truth;
    generator.Next(trace, &truth);
    out.traces.push_back(std::move(trace));
    out.truth.push_back(std::move(truth));
    out.injected.push_back(generator.last_injected());
  }
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line;
  return out;
}

// A string field of a parsed trace (the test fails on anything else).
std::string Str(simdjson::simdjson_result<simdjson::dom::element> field) {
  return std::string(std::string_view(field));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(DemoTemplateTest, FormatsDatesAmountsAndIntegers) {
  std::string out;
  AppendTimestamp(out, kDemoEpoch);
  EXPECT_EQ(out, "2026-11-01T00:00:00Z");
  out.clear();
  AppendTimestamp(out, kDemoEpoch + 30 * 86400 + 3661);
  EXPECT_EQ(out, "2026-12-01T01:01:01Z");
  out.clear();
  AppendDate(out, kDemoEpoch + (365 + 120) * 86400);  // 2028 is a leap year
  EXPECT_EQ(out, "2028-02-29");
  out.clear();
  AppendAmount(out, 4990, true);
  out += ' ';
  AppendAmount(out, 5, true);
  out += ' ';
  AppendAmount(out, 4990, false);
  out += ' ';
  AppendInt(out, 7, 6);
  EXPECT_EQ(out, "49.90 0.05 4990 000007");
}

TEST(DemoTemplateTest, ExpandsPlaceholders) {
  Vars vars;
  vars.order = "ORD-1";
  vars.cite = " [doc2]";
  EXPECT_EQ(Expand("Order {order} shipped{cite}.", vars), "Order ORD-1 shipped [doc2].");
  EXPECT_EQ(Expand("no placeholders", vars), "no placeholders");
  EXPECT_DEATH(Expand("{ordre}", vars), "bad placeholder");
}

TEST(DemoRngTest, MappingsArePinned) {
  // The dataset is defined by these mappings; changing them changes every bundled file.
  DemoRng rng(42);
  std::vector<uint64_t> draws;
  for (int i = 0; i < 6; ++i) draws.push_back(rng.Below(100));
  EXPECT_EQ(draws, (std::vector<uint64_t>{6, 24, 50, 62, 81, 28}));
  EXPECT_EQ(rng.Unit(), 0.57457030410826393);
  DemoRng bounds(7);
  std::set<int> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(bounds.Range(-2, 2));
  EXPECT_EQ(seen, (std::set<int>{-2, -1, 0, 1, 2}));
  DemoRng weighted(7);
  const double weights[] = {0, 1, 0};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(weighted.Weighted(weights), 1u);
}

TEST(DemoContentTest, EveryTextExpandsAndEveryToolHasASchema) {
  Vars vars;  // empty values: only the placeholders' names matter here
  std::set<std::string_view> tools(ToolNames().begin(), ToolNames().end());
  double share = 0;
  for (const Intent& intent : Intents()) {
    share += intent.weight;
    EXPECT_TRUE(tools.count(intent.primary_tool)) << intent.name;
    for (std::string_view helper : intent.helper_tools) EXPECT_TRUE(tools.count(helper));
    EXPECT_FALSE(intent.docs.empty()) << intent.name;
    for (int lang = 0; lang < kLangCount; ++lang) {
      const IntentText& text = intent.text[lang];
      ASSERT_FALSE(text.questions.empty()) << intent.name << " " << lang;
      ASSERT_FALSE(text.outcomes.empty()) << intent.name << " " << lang;
      ASSERT_FALSE(text.details.empty()) << intent.name << " " << lang;
      for (std::string_view outcome : text.outcomes) {
        EXPECT_THAT(std::string(outcome), HasSubstr("{cite}")) << intent.name;
      }
      for (const Phrases* list : {&text.questions, &text.outcomes, &text.details}) {
        for (std::string_view phrase : *list) Expand(phrase, vars);
      }
    }
  }
  EXPECT_NEAR(share, 1.0, 1e-9);
  for (int lang = 0; lang < kLangCount; ++lang) {
    const Locale& locale = LocaleFor(static_cast<Lang>(lang));
    for (const Phrases* list :
         {&locale.tool_error_acks, &locale.pii_email, &locale.pii_phone, &locale.pii_card}) {
      ASSERT_FALSE(list->empty()) << locale.code;
      for (std::string_view phrase : *list) Expand(phrase, vars);
    }
  }
  for (std::string_view tool : tools) {
    std::filesystem::path schema =
        std::filesystem::path("evaluators/schemas") / (std::string(tool) + ".json");
    EXPECT_TRUE(std::filesystem::exists(schema)) << schema;
  }
}

TEST(DemoToolsTest, BrokenArgumentsSayWhatIsWrong) {
  Vars vars;
  vars.account = "ACC-004213";
  ToolContext context{&vars, "query", "a@example.com", {}, 4990, true};
  for (uint64_t seed = 0; seed < 16; ++seed) {
    DemoRng rng(seed);
    ToolCall call = MakeToolCall("get_account", context, rng);
    ASSERT_EQ(call.args.size(), 1u);
    EXPECT_EQ(call.args[0].json, "\"ACC-004213\"");
    EXPECT_TRUE(call.error.empty());
    EXPECT_THAT(call.result, HasSubstr("\"account_id\":\"ACC-004213\""));
    BreakArguments(call, rng);
    EXPECT_TRUE(call.result.empty());
    if (call.args.empty()) {
      EXPECT_EQ(call.error, "invalid arguments: missing required property 'account_id'");
    } else {
      EXPECT_EQ(call.args[0].json, "4213");  // the prefix and leading zeros dropped
      EXPECT_EQ(call.error, "invalid arguments: property 'account_id' must be string, got number");
    }
  }
}

TEST(DemoGeneratorTest, SameSeedSameBytes) {
  Generated a = Generate(42, 300);
  Generated b = Generate(42, 300);
  Generated c = Generate(43, 300);
  EXPECT_EQ(Join(a.traces), Join(b.traces));
  EXPECT_EQ(Join(a.truth), Join(b.truth));
  EXPECT_NE(Join(a.traces), Join(c.traces));
}

// The bundled files are exactly what the generator writes for --count 1000 --seed 42: a change
// to the generator must come with regenerated files (datasets/demo/README.md has the command).
TEST(DemoGeneratorTest, BundledDatasetIsCurrent) {
  Generated bundled = Generate(42, 1000);
  std::string traces = ReadFile("datasets/demo/traces.jsonl");
  std::string truth = ReadFile("datasets/demo/truth.jsonl");
  ASSERT_FALSE(traces.empty()) << "run from the source root";
  EXPECT_TRUE(traces == Join(bundled.traces)) << "datasets/demo/traces.jsonl is stale";
  EXPECT_TRUE(truth == Join(bundled.truth)) << "datasets/demo/truth.jsonl is stale";
}

TEST(DemoGeneratorTest, TracesAreOrderedSessionsAndTruthLinesMatch) {
  Generated g = Generate(7, 3000);
  simdjson::dom::parser parser, truth_parser;
  std::string last_time;
  std::map<std::string, std::string> session_user;
  std::map<std::string, int> session_size;
  for (size_t i = 0; i < g.traces.size(); ++i) {
    simdjson::dom::element trace;
    ASSERT_EQ(parser.parse(g.traces[i]).get(trace), simdjson::SUCCESS) << g.traces[i];
    ASSERT_EQ(g.traces[i].back(), '\n');
    std::string id = Str(trace["trace_id"]);
    char expected[32];
    std::snprintf(expected, sizeof(expected), "t-%06zu", i + 1);
    EXPECT_EQ(id, expected);
    std::string time = Str(trace["timestamp"]);
    EXPECT_GE(time, last_time);
    last_time = time;
    std::string session = Str(trace["session_id"]);
    std::string user = Str(trace["user_id"]);
    auto [it, inserted] = session_user.emplace(session, user);
    EXPECT_EQ(it->second, user) << session;
    ++session_size[session];

    std::string_view status = trace["status"];
    EXPECT_EQ(trace["output"].error() == simdjson::SUCCESS, status == "ok") << id;

    simdjson::dom::element truth;
    ASSERT_EQ(truth_parser.parse(g.truth[i]).get(truth), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(truth["trace_id"]), id);
    std::set<std::string_view> tags;
    for (simdjson::dom::element tag : truth["injected"].get_array()) {
      tags.insert(std::string_view(tag));
    }
    for (int mode = 0; mode < kFailureCount; ++mode) {
      EXPECT_EQ(tags.count(kFailureTags[mode]) == 1, g.injected[i][mode]) << id;
    }
  }
  int multi = 0;
  for (const auto& [session, size] : session_size) multi += size > 1;
  EXPECT_GT(multi, static_cast<int>(session_size.size()) / 3);
  EXPECT_LT(session_size.size(), g.traces.size() / 2);
}

// Checks a structural failure mode the way its evaluator will, for modes whose plugin is not
// linked here: cited ids against retrieved ids, the intent's tool among the calls, repeats.
TEST(DemoGeneratorTest, StructuralFailuresAppearExactlyWhenInjected) {
  Generated g = Generate(11, 3000);
  const RE2 citation("\\[(doc\\d+|KB-\\d+)\\]");
  std::map<std::string_view, std::string_view> required_tool;
  for (const Intent& intent : Intents()) required_tool[intent.name] = intent.primary_tool;
  simdjson::dom::parser parser;
  for (size_t i = 0; i < g.traces.size(); ++i) {
    simdjson::dom::element trace = parser.parse(g.traces[i]);
    std::string_view id = trace["trace_id"];
    std::set<std::string> retrieved;
    size_t position = 0;
    for (simdjson::dom::element doc : trace["retrieved_documents"].get_array()) {
      std::string_view doc_id;
      if (doc["id"].get(doc_id) == simdjson::SUCCESS) {
        retrieved.insert(std::string(doc_id));
      } else {
        retrieved.insert("doc" + std::to_string(position));
      }
      ++position;
    }
    std::string_view output;
    if (trace["output"].get(output) == simdjson::SUCCESS) {
      bool invented = false;
      std::string cited;
      re2::StringPiece input(output.data(), output.size());
      while (RE2::FindAndConsume(&input, citation, &cited)) invented |= !retrieved.count(cited);
      EXPECT_EQ(invented, g.injected[i][kInventedCitation]) << id;
    }
    std::set<std::string> calls;
    bool repeated = false, has_required = false;
    std::string_view intent = trace["metadata"]["intent"];
    for (simdjson::dom::element call : trace["tool_calls"].get_array()) {
      std::string_view name = call["name"];
      has_required |= name == required_tool[intent];
      simdjson::dom::element arguments = call["arguments"];
      repeated |= !calls.insert(std::string(name) + simdjson::minify(arguments)).second;
    }
    EXPECT_EQ(!has_required, g.injected[i][kWrongTool]) << id;
    EXPECT_EQ(repeated, g.injected[i][kRepeatedToolCall]) << id;
  }
}

// The demo suite, loaded as `arbiter run` loads it (every plugin, `when:` conditions), on
// generated traces: each evaluator fails a trace exactly when its failure mode was injected,
// and an error row (never a pass or a fail) appears only where there is nothing to judge.
TEST(DemoGeneratorTest, DemoSuiteAgreesWithTheTruth) {
  PluginRegistry registry;
  ASSERT_TRUE(RegisterBuiltinPlugins(registry).ok());
  Result<Suite> suite = LoadSuite("evaluators/suites/demo.yaml", registry);
  ASSERT_TRUE(suite.ok()) << suite.status().ToString();
  ASSERT_EQ(suite->evaluators.size(), static_cast<size_t>(kFailureCount));
  for (LoadedEvaluator& loaded : suite->evaluators) {
    ASSERT_TRUE(loaded.evaluator->PrepareWorkers(1).ok());
  }

  Generated g = Generate(5, 4000);
  std::map<std::string, int> failures, errors, judged;
  for (size_t i = 0; i < g.traces.size(); ++i) {
    testing::ParsedTrace trace(g.traces[i]);
    const bool has_output = trace.trace().root()["output"].error() == simdjson::SUCCESS;
    for (const LoadedEvaluator& loaded : suite->evaluators) {
      const std::string& mode = loaded.spec.failure_mode;
      auto tag = std::find(kFailureTags.begin(), kFailureTags.end(), mode);
      ASSERT_NE(tag, kFailureTags.end()) << loaded.spec.id << ": unknown failure mode " << mode;
      const bool injected = g.injected[i][tag - kFailureTags.begin()];
      if (loaded.when && !loaded.when->Matches(trace.trace().root())) {
        EXPECT_FALSE(injected) << loaded.spec.id << " " << trace.trace().trace_id();
        continue;
      }
      Result<Score> score = loaded.evaluator->Evaluate(trace, EvalContext{});
      if (!score.ok()) {
        ++errors[loaded.spec.id];
        EXPECT_FALSE(has_output) << loaded.spec.id << " " << trace.trace().trace_id() << ": "
                                 << score.status().ToString();
        EXPECT_FALSE(injected) << loaded.spec.id << " " << trace.trace().trace_id();
        continue;
      }
      ++judged[loaded.spec.id];
      const bool fail = score->value < loaded.spec.pass_threshold;
      failures[loaded.spec.id] += fail;
      EXPECT_EQ(fail, injected) << loaded.spec.id << " " << trace.trace().trace_id() << ": "
                                << score->reason;
    }
  }
  for (const LoadedEvaluator& loaded : suite->evaluators) {
    EXPECT_GT(failures[loaded.spec.id], 10) << loaded.spec.id;
    EXPECT_GT(judged[loaded.spec.id], 300) << loaded.spec.id;
  }
  // 2.5% of traces have no output: an error row for every evaluator that reads it.
  EXPECT_GT(errors["no-pii"], 60);
  EXPECT_EQ(errors["tool-choice"], 0);
}

TEST(DemoGeneratorTest, EveryFailureModeOccurs) {
  Generated g = Generate(3, 5000);
  std::array<int, kFailureCount> counts{};
  int clean = 0;
  for (const auto& injected : g.injected) {
    bool any = false;
    for (int mode = 0; mode < kFailureCount; ++mode) {
      counts[mode] += injected[mode];
      any |= injected[mode];
    }
    clean += !any;
  }
  for (int mode = 0; mode < kFailureCount; ++mode) {
    EXPECT_GT(counts[mode], 15) << kFailureTags[mode];
  }
  // About 71.5% of traces carry no injected failure (README "Injected failures").
  EXPECT_GT(clean, 3250);
  EXPECT_LT(clean, 4000);
}

}  // namespace
}  // namespace arbiter::demo
