// The bundled seed labels and their traces, loaded once per test binary, for the search's
// tests (generate_test.cc, generate_shuffle_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "plugins/register_builtins.h"
#include "runner/generate/candidate_search.h"
#include "runner/generate/draft_files.h"
#include "runner/generate/labeled_traces.h"
#include "runner/labels/label_store.h"
#include "runner/suite/suite.h"

namespace arbiter {

inline ReportContext Context(const std::string& label_set) {
  ReportContext context;
  context.label_set = label_set;
  return context;
}

class SeedSearch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new PluginRegistry();
    ASSERT_TRUE(RegisterBuiltinPlugins(*registry_).ok());
    Result<Suite> suite = LoadSuite("evaluators/suites/demo.yaml", *registry_);
    ASSERT_TRUE(suite.ok()) << suite.status().message();
    suite_ = new Suite(std::move(*suite));
    Result<LabelSet> set = LabelStore("datasets/labels").Load({"support-seed", 1});
    ASSERT_TRUE(set.ok()) << set.status().message();
    labels_ = new std::vector<Label>(set->labels);
    std::set<std::string> wanted;
    for (const Label& label : *labels_) wanted.insert(label.trace_id);
    uint64_t skipped = 0;
    Result<std::vector<LabeledTrace>> traces =
        ReadLabeledTraces({"datasets/demo/traces.jsonl"}, wanted, stderr, skipped);
    ASSERT_TRUE(traces.ok()) << traces.status().message();
    traces_ = new std::vector<LabeledTrace>(std::move(*traces));
  }

  static const ModeResult& Mode(const std::vector<ModeResult>& modes, const std::string& name) {
    for (const ModeResult& m : modes) {
      if (m.failure_mode == name) return m;
    }
    static ModeResult none;
    ADD_FAILURE() << "no mode " << name;
    return none;
  }

  static inline PluginRegistry* registry_ = nullptr;
  static inline Suite* suite_ = nullptr;
  static inline std::vector<Label>* labels_ = nullptr;
  static inline std::vector<LabeledTrace>* traces_ = nullptr;
};

}  // namespace arbiter
