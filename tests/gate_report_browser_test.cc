// The gate's report.html in Chromium (issue 12, item 7): the real binary gates crafted runs
// (one blocked, one inconclusive, a hostile trace id among the regressed), then
// tests/node/gate_report_check.mjs screenshots each report at 400 and 1280 px and checks
// through the DOM that the decision, the headline and every verdict are visible without
// scrolling sideways, that the markup in the data stayed text and that the search filters the
// regressed traces.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/browser_util.h"
#include "tests/cli_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kHostile[] = "<img src=x onerror=alert(1)>";

// Rows of `evaluator` on 200 traces, trace 0 named kHostile; trace i passes when `pass(i)`.
template <typename Pass>
std::string Rows(const std::string& evaluator, Pass pass, const std::string& fail_reason) {
  std::string rows;
  for (int i = 0; i < 200; ++i) {
    std::string id = i == 0 ? "<img src=x onerror=alert(1)>" : "t-" + std::to_string(i);
    bool p = pass(i);
    rows += "{\"trace_id\": \"" + id + "\", \"evaluator\": \"" + evaluator +
            "\", \"version\": 1, \"score\": " + (p ? "1.0" : "0.0") +
            ", \"pass\": " + (p ? "true" : "false") + ", \"reason\": \"" +
            (p ? "every claim cites a retrieved passage" : fail_reason) + "\", \"error\": null}\n";
  }
  return rows;
}

// A run folder: scores.jsonl and a scorecard.json giving each evaluator fingerprint "fp-ID"
// and a locale stratum with one small cell.
void WriteRun(const TempDir& dir, const std::string& name, const std::string& rows,
              const std::vector<std::string>& evaluators) {
  std::string card = "{\"evaluators\": [";
  for (size_t i = 0; i < evaluators.size(); ++i) {
    card += std::string(i ? ", " : "") + "{\"id\": \"" + evaluators[i] +
            "\", \"version\": 1, \"fingerprint\": \"fp-" + evaluators[i] +
            "\", \"strata\": {\"metadata.locale\": {\"en\": {\"n\": 180, \"pass_rate\": 0.9}, "
            "\"fr\": {\"n\": 20, \"pass_rate\": 0.8}}}}";
  }
  dir.Write(name + "/scores.jsonl", rows);
  dir.Write(name + "/scorecard.json", card + "]}");
}

TEST(GateReportBrowserTest, PhoneAndDesktopShowTheDecisionAndEveryVerdict) {
  const testing::BrowserTools tools = testing::FindBrowserTools();
  if (!tools.missing.empty()) GTEST_SKIP() << tools.missing;
  const std::string& chromium = tools.chromium;

  TempDir dir;
  const std::string long_reason =
      "</td><script>alert(2)</script> claim 3 cites nothing, and the answer invents a refund "
      "policy that no retrieved passage mentions";
  auto all = [](int) { return true; };
  auto base = Rows(
                  "citation-grounded", [](int i) { return i < 190; }, "cites nothing") +
              Rows(
                  "tone", [](int i) { return i < 180; }, "curt") +
              Rows(
                  "json-valid", [](int i) { return i < 198; }, "not JSON") +
              Rows("no-pii", all, "an email address");
  // Blocked: citation-grounded (gate) falls 30 points; tone (signal) warns.
  auto blocked = Rows(
                     "citation-grounded", [](int i) { return i >= 60 && i < 190; }, long_reason) +
                 Rows(
                     "tone", [](int i) { return i >= 10 && i < 180; }, "curt") +
                 Rows(
                     "json-valid", [](int i) { return i < 197; }, "not JSON") +
                 Rows(
                     "no-pii", [](int i) { return i < 150; }, "an email address");
  // Inconclusive: json-valid (gate) is missing; citation-grounded swaps three traces.
  auto missing = Rows(
                     "citation-grounded", [](int i) { return i >= 3 && i < 193; }, long_reason) +
                 Rows(
                     "tone", [](int i) { return i < 180; }, "curt") +
                 Rows("no-pii", all, "an email address");
  WriteRun(dir, "base", base, {"citation-grounded", "tone", "json-valid", "no-pii"});
  WriteRun(dir, "blocked", blocked, {"citation-grounded", "tone", "json-valid", "no-pii"});
  WriteRun(dir, "missing", missing, {"citation-grounded", "tone", "no-pii"});
  dir.Write("calibration.json",
            "{\"label_set\": \"s@v1\", \"evaluators\": ["
            "{\"id\": \"citation-grounded\", \"version\": 1, \"fingerprint\": "
            "\"fp-citation-grounded\", \"role\": \"gate\"}, "
            "{\"id\": \"tone\", \"version\": 1, \"fingerprint\": \"fp-tone\", \"role\": "
            "\"signal\"}, "
            "{\"id\": \"json-valid\", \"version\": 1, \"fingerprint\": \"fp-json-valid\", "
            "\"role\": \"gate\"}]}");
  const std::string d = dir.path().string();
  for (auto [candidate, exit_code] : {std::pair{"blocked", 1}, std::pair{"missing", 4}}) {
    SCOPED_TRACE(candidate);
    auto gate =
        RunArbiter("gate --baseline " + d + "/base --candidate " + d + "/" + candidate + " --out " +
                   d + "/gate-" + candidate + " --calibration " + d + "/calibration.json");
    ASSERT_EQ(gate.exit_code, exit_code) << gate.err;
    const std::string report = d + "/gate-" + candidate + "/report.html";
    const std::string html = ReadFile(report);
    EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
    EXPECT_EQ(html.find(kHostile), std::string::npos);

    const std::string shots = d + "/shot-" + candidate, log = d + "/check-" + candidate + ".log";
    std::string command = "CHROMIUM=" + chromium +
                          " timeout 180 node tests/node/gate_report_check.mjs " + report + " " +
                          shots + " '" + kHostile + "' >" + log + " 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << ReadFile(log);
    for (const char* suffix :
         {"-400.png", "-1280.png", "-400-full.png", "-1280-full.png", "-400-search.png"}) {
      EXPECT_GT(std::filesystem::file_size(shots + suffix), 1000u) << suffix;
    }
  }
}

}  // namespace
}  // namespace arbiter
