// The YAML a user writes: an evaluator declaration (every built-in plugin's params, `${...}`
// substitution, aliases), a sampling policy, or a suite naming a fixed evaluator, chosen by the
// input's first byte. Runs in the scratch folder, so relative paths in the input stay there.
#include <unistd.h>

#include "plugins/register_builtins.h"
#include "runner/plugin_api/plugin_registry.h"
#include "runner/sampling/policy.h"
#include "runner/suite/suite.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

const arbiter::PluginRegistry& Registry() {
  static const arbiter::PluginRegistry registry = [] {
    arbiter::PluginRegistry built;
    (void)arbiter::RegisterBuiltinPlugins(built);
    return built;
  }();
  return registry;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  static const bool in_scratch = [] {
    fuzz::WriteScratch("e.yaml", "id: e\nversion: 1\nplugin: length\nparams: {max_chars: 10}\n");
    return ::chdir(fuzz::ScratchDir().c_str()) == 0;
  }();
  if (!in_scratch || size == 0) return 0;
  std::string_view text = fuzz::AsText(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      (void)LoadEvaluator(fuzz::WriteScratch("fuzz-evaluator.yaml", text), Registry());
      break;
    case 1:
      (void)ParseSamplePolicy(std::string(text), "policy.yaml");
      break;
    default:
      (void)LoadSuite(fuzz::WriteScratch("fuzz-suite.yaml", text), Registry());
      break;
  }
  return 0;
}
