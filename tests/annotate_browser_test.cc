// `arbiter annotate`'s page in Chromium (issue 17, item 8): tests/node/annotate_check.mjs labels
// 20 demo traces with the keyboard across a kill -9 of the server, commits, checks that a hostile
// trace runs no code, and screenshots the page at 1400 and 400 px with an overflow check; then
// `arbiter labels verify` checks the version it made.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "tests/browser_util.h"
#include "tests/cli_util.h"

namespace arbiter {
namespace {

using testing::ArbiterBin;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunArbiter;
using testing::TempDir;

constexpr int kHostileIndex = 2;

// The first 20 demo traces; the third made hostile in its input, output, a message, a retrieved
// document and a triage reason; traces 3, 7 and 12 carry the triage signal `refusal` that the
// script filters by (annotate_check.mjs: SIGNAL_INDEXES).
std::string Queue() {
  std::istringstream demo(ReadFile("datasets/demo/traces.jsonl"));
  std::string line, queue;
  for (int i = 0; i < 20 && std::getline(demo, line); ++i) {
    if (i == 3 || i == 7 || i == 12) {
      nlohmann::ordered_json trace = nlohmann::ordered_json::parse(line);
      trace["_triage"] = {{"rank", i},
                          {"score", 1.0},
                          {"reasons", {{{"signal", "refusal"}, {"detail", "output refuses"}}}}};
      line = trace.dump();
    }
    if (i == kHostileIndex) {
      nlohmann::ordered_json trace = nlohmann::ordered_json::parse(line);
      trace["output"] =
          "<img src=x onerror=alert(1)> </script><script>window.__pwned=true</script>";
      trace["input"] = "</script><script>window.__pwned=true;alert(2)</script>";
      trace["messages"] = {{{"role", "user"}, {"content", "<b onmouseover=alert(3)>hi</b>"}}};
      trace["retrieved_documents"] = {{{"id", "<svg onload=alert(4)>"}, {"content", "<iframe>"}}};
      trace["_triage"] = {{"rank", 1},
                          {"score", 1.0},
                          {"reasons",
                           {{{"signal", "<img src=x onerror=alert(5)>"},
                             {"detail", "<script>window.__pwned=true</script>"}}}}};
      line = trace.dump();
    }
    queue += line + "\n";
  }
  return queue;
}

TEST(AnnotateBrowserTest, LabelAcrossAKillNineCommitAndVerify) {
  const testing::BrowserTools tools = testing::FindBrowserTools();
  if (!tools.missing.empty()) GTEST_SKIP() << tools.missing;
  const std::string& chromium = tools.chromium;
  TempDir dir;
  const std::string d = dir.path().string();
  dir.Write("queue.jsonl", Queue());
  const std::string log = d + "/check.log";
  std::string command = "CHROMIUM=" + chromium +
                        " timeout 300 node tests/node/annotate_check.mjs " +
                        std::filesystem::absolute(ArbiterBin()).string() + " " + d +
                        "/queue.jsonl evaluators/suites/demo.yaml " + d + "/labels " + d +
                        "/shot " + std::to_string(kHostileIndex) + " >" + log + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(log);
  for (const char* suffix : {"-400.png", "-1400.png", "-400-full.png", "-1400-full.png"}) {
    EXPECT_GT(std::filesystem::file_size(d + "/shot" + suffix), 1000u) << suffix;
  }
  auto verified = RunArbiter("labels verify browser@v1 --root " + d + "/labels");
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  std::string labels = ReadFile(dir.path() / "labels/browser/v1/labels.jsonl");
  EXPECT_EQ(std::count(labels.begin(), labels.end(), '\n'), 20);
  EXPECT_THAT(labels, HasSubstr("\"reviewer\": \"ana\""));
}

}  // namespace
}  // namespace arbiter
