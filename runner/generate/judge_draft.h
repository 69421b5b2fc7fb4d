// The judge draft of `arbiter generate` for a failure mode no rule reached a signal on: a rubric
// (DIR/rubrics/<failure-mode>.md, plugins/llm_judge/rubric.h) with the mode's definition (the
// suite's evaluators' descriptions, the reviewers' notes), a binary scale and few-shot examples
// from the labels, and its llm_judge evaluator YAML. Only the calibration split is read, labels
// and notes alike: the held-out half never reaches the judge. Trace text and notes in the rubric
// are redacted (runner/redact). Pure text: the same inputs give the same bytes.
#pragma once

#include <string>
#include <vector>

#include "runner/calibration/calibration.h"
#include "runner/generate/candidate_search.h"
#include "runner/generate/labeled_traces.h"
#include "runner/labels/label.h"
#include "runner/suite/suite.h"

namespace arbiter {

struct JudgeDraftInput {
  std::string label_set;
  const ModeResult* mode = nullptr;            // searched, and nothing written for it
  const ConsensusSet* consensus = nullptr;     // the mode's consensus labels
  const std::vector<Label>* labels = nullptr;  // every label of the set (their notes)
  const std::vector<LabeledTrace>* traces = nullptr;
  const Suite* suite = nullptr;  // may be null
  size_t examples_per_class = 3;
};

struct JudgeDraft {
  std::string rubric_file;  // relative to the output folder: rubrics/<failure-mode>.md
  std::string rubric;
  std::string yaml_file;  // <failure-mode>-llm-judge.yaml
  std::string yaml;
  std::vector<std::string> fail_examples, pass_examples;  // their trace ids, in rubric order
};

JudgeDraft DraftJudge(const JudgeDraftInput& input);

}  // namespace arbiter
