// What the browser tests need, found once: Node, Debian's Chromium ($CHROMIUM or
// /usr/bin/chromium) and playwright-core under tests/node (ARBITER_WITH_BROWSER=1 ./setup.sh
// installs all three). Tests run from the source root.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <string>

namespace arbiter::testing {

struct BrowserTools {
  std::string chromium;  // the browser's path
  std::string missing;   // why the test must skip; "" when everything is there
};

inline const char kNodeToolsHint[] = " (ARBITER_WITH_BROWSER=1 ./setup.sh)";

// Why a test driving Node with `packages` (under tests/node/node_modules, e.g.
// "@opentelemetry/sdk-trace-base") must skip; "" when Node and all of them are there.
inline std::string MissingNodeTools(std::initializer_list<const char*> packages) {
  if (std::system("command -v node >/dev/null 2>&1") != 0) {
    return std::string("node not installed") + kNodeToolsHint;
  }
  for (const char* package : packages) {
    if (!std::filesystem::exists(std::string("tests/node/node_modules/") + package)) {
      return std::string("tests/node/node_modules has no ") + package + kNodeToolsHint;
    }
  }
  return "";
}

inline BrowserTools FindBrowserTools() {
  BrowserTools tools;
  const char* chromium = std::getenv("CHROMIUM");
  tools.chromium = chromium ? chromium : "/usr/bin/chromium";
  tools.missing = MissingNodeTools({"playwright-core"});
  if (tools.missing.empty() && !std::filesystem::exists(tools.chromium)) {
    tools.missing = tools.chromium + " not installed" + kNodeToolsHint;
  }
  return tools;
}

}  // namespace arbiter::testing
