// What the browser tests need, found once: Node, Debian's Chromium ($CHROMIUM or
// /usr/bin/chromium) and playwright-core under tests/node (ARBITER_WITH_BROWSER=1 ./setup.sh
// installs all three). Tests run from the source root.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace arbiter::testing {

struct BrowserTools {
  std::string chromium;  // the browser's path
  std::string missing;   // why the test must skip; "" when everything is there
};

inline BrowserTools FindBrowserTools() {
  BrowserTools tools;
  const char* chromium = std::getenv("CHROMIUM");
  tools.chromium = chromium ? chromium : "/usr/bin/chromium";
  const std::string hint = " (ARBITER_WITH_BROWSER=1 ./setup.sh)";
  if (std::system("command -v node >/dev/null 2>&1") != 0) {
    tools.missing = "node not installed" + hint;
  } else if (!std::filesystem::exists(tools.chromium)) {
    tools.missing = tools.chromium + " not installed" + hint;
  } else if (!std::filesystem::exists("tests/node/node_modules/playwright-core")) {
    tools.missing = "tests/node/node_modules has no playwright-core" + hint;
  }
  return tools;
}

}  // namespace arbiter::testing
