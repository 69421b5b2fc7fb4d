// Where the purpose-built ABI test libraries of tests/abi/ are (ABI_PLUGIN_DIR, set by CMake).
#pragma once

#include <string>

namespace arbiter::testing {

// The library built from test_plugin.c with VARIANT_<VARIANT> ("good", "crash", ...), or
// thrower_plugin.cc ("thrower").
inline std::string AbiPlugin(const std::string& variant) {
  return std::string(ABI_PLUGIN_DIR) + "/libabi_" + variant + ".so";
}

}  // namespace arbiter::testing
