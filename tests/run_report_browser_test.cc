// A run's report.html in Chromium (issue 15, item 6): the real binary runs the demo suite over
// the bundled traces and a few crafted ones (a hostile trace id and stratum value, a failing
// reason of its own), then tests/node/run_report_check.mjs screenshots the report at 400 and
// 1280 px and checks through the DOM that the pass rates, the strata and every evaluator's
// failing traces are shown without scrolling sideways, small cells muted, with no request, no
// script and no markup from the data.
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
using ::testing::Not;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr char kHostile[] = "<img src=x onerror=alert(1)>";

TEST(RunReportBrowserTest, PhoneAndDesktopShowTheScorecard) {
  const testing::BrowserTools tools = testing::FindBrowserTools();
  if (!tools.missing.empty()) GTEST_SKIP() << tools.missing;

  TempDir dir;
  // Three traces with an email address in the answer (no-pii fails them) in a stratum of their
  // own, the first named with markup.
  std::string crafted;
  for (int i = 0; i < 3; ++i) {
    const std::string id = i == 0 ? "<img src=x onerror=alert(1)>" : "x-" + std::to_string(i);
    crafted += "{\"trace_id\": \"" + id +
               "\", \"input\": \"hi\", \"output\": \"Write to ana@example.com for a refund.\", "
               "\"metadata\": {\"intent\": \"<b>crafted</b>\", \"language\": \"en\"}}\n";
  }
  const std::string traces = dir.Write("crafted.jsonl", crafted).string();
  const std::string out = (dir.path() / "run").string();
  auto run = RunArbiter(
      "run --quiet --suite evaluators/suites/demo.yaml --traces "
      "datasets/demo/traces.jsonl " +
      traces + " --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string report = out + "/report.html";
  const std::string html = ReadFile(report);
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;crafted&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr(kHostile)));

  const std::string shots = (dir.path() / "shot").string();
  const std::string log = (dir.path() / "check.log").string();
  const std::string command = "CHROMIUM=" + tools.chromium +
                              " timeout 180 node tests/node/run_report_check.mjs " + report + " " +
                              shots + " '" + kHostile + "' >" + log + " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << ReadFile(log);
  for (const char* suffix : {"-400.png", "-1280.png", "-400-full.png", "-1280-full.png"}) {
    EXPECT_GT(std::filesystem::file_size(shots + suffix), 1000u) << suffix;
  }
}

}  // namespace
}  // namespace arbiter
