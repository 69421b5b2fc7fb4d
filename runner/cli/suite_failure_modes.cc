#include "runner/cli/suite_failure_modes.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runner/cli/suite_loader.h"

namespace arbiter {
namespace {

// A judge rubric's text and the `scale:` of its front matter (binary when it names none).
void ReadRubric(const std::filesystem::path& file, FailureModeInfo& mode) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  mode.rubric = text.str();
  std::istringstream lines(mode.rubric);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("scale:", 0) != 0) continue;
    std::string value = line.substr(6);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r") + 1);
    if (std::optional<LabelScale> scale = ParseLabelScale(value)) mode.scale = *scale;
    break;
  }
}

}  // namespace

// The failure modes the suite's evaluators declare, in declaration order.
Result<std::vector<FailureModeInfo>> SuiteFailureModes(const std::string& path) {
  PluginRegistry registry;
  ARBITER_ASSIGN_OR_RETURN(Suite suite, LoadSuiteWithPlugins(path, registry));
  std::vector<FailureModeInfo> modes;
  for (const LoadedEvaluator& evaluator : suite.evaluators) {
    const EvaluatorSpec& spec = evaluator.spec;
    if (spec.failure_mode.empty()) continue;
    auto it = std::find_if(modes.begin(), modes.end(),
                           [&](const FailureModeInfo& m) { return m.name == spec.failure_mode; });
    if (it == modes.end()) {
      modes.push_back({spec.failure_mode, spec.description, "", LabelScale::kBinary, {}});
      it = modes.end() - 1;
    }
    it->evaluators.push_back(spec.id);
    if (spec.plugin == "llm_judge" && spec.params && spec.params["rubric"] &&
        spec.params["rubric"].IsScalar() && it->rubric.empty()) {
      ReadRubric(spec.file.parent_path() / spec.params["rubric"].as<std::string>(), *it);
    }
  }
  return modes;
}

}  // namespace arbiter
