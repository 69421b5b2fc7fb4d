#include "runner/generate/generate.h"

#include <set>
#include <system_error>

#include "runner/base/atomic_file.h"
#include "runner/calibration/calibration.h"
#include "runner/generate/draft_files.h"
#include "runner/generate/judge_draft.h"
#include "runner/source/trace_source.h"

namespace arbiter {

Result<GenerateRun> Generate(const GenerateOptions& options, const PluginRegistry& registry,
                             const Suite* suite) {
  namespace fs = std::filesystem;
  Result<LabelSetRef> ref = ParseLabelSetRef(options.labels);
  if (!ref.ok()) return Status::InvalidArgument(ref.status().message());
  LabelStore store(options.labels_root);
  Result<LabelSet> labels = store.Load(*ref);
  if (!labels.ok()) return Status::InvalidArgument(labels.status().message());
  ARBITER_RETURN_IF_ERROR(CheckTraceFiles(options.traces));
  std::map<std::string, ConsensusSet> consensus = BuildConsensus(labels->labels);
  if (!options.search.only_mode.empty() && !consensus.count(options.search.only_mode)) {
    return Status::InvalidArgument("--failure-mode " + options.search.only_mode + ": " +
                                   ref->ToString() + " has no labels for it");
  }

  std::set<std::string> wanted;
  for (const Label& label : labels->labels) {
    if (options.search.only_mode.empty() || label.failure_mode == options.search.only_mode) {
      wanted.insert(label.trace_id);
    }
  }
  GenerateRun run;
  run.label_set = ref->ToString();
  ARBITER_ASSIGN_OR_RETURN(
      std::vector<LabeledTrace> traces,
      ReadLabeledTraces(options.traces, wanted, options.diagnostics, run.skipped_records));
  run.traces_found = traces.size();
  run.traces_labeled = wanted.size();

  SearchOptions search = options.search;
  if (suite) search.signal_mcc = suite->gate.signal_mcc;
  ARBITER_ASSIGN_OR_RETURN(run.modes, SearchDrafts(consensus, traces, registry, suite, search));

  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) {
    return Status::IoError(options.out.string() + ": cannot create output folder: " + ec.message());
  }
  for (const ModeResult& mode : run.modes) {
    for (const DraftCandidate& c : mode.candidates) {
      if (!c.written) continue;
      fs::path file = options.out / (DraftId(mode.failure_mode, c.kind) + ".yaml");
      ARBITER_RETURN_IF_ERROR(WriteFileAtomic(file, DraftYaml(run.label_set, mode, c)));
      run.written.push_back(file);
    }
  }
  for (ModeResult& mode : run.modes) {
    bool written = false;
    for (const DraftCandidate& c : mode.candidates) written = written || c.written;
    if (!mode.skipped.empty() || written) continue;
    JudgeDraftInput input;
    input.label_set = run.label_set;
    input.mode = &mode;
    input.consensus = &consensus.at(mode.failure_mode);
    input.labels = &labels->labels;
    input.traces = &traces;
    input.suite = suite;
    JudgeDraft judge = DraftJudge(input);
    fs::create_directories(options.out / "rubrics", ec);
    if (ec) {
      return Status::IoError((options.out / "rubrics").string() +
                             ": cannot create folder: " + ec.message());
    }
    ARBITER_RETURN_IF_ERROR(WriteFileAtomic(options.out / judge.rubric_file, judge.rubric));
    ARBITER_RETURN_IF_ERROR(WriteFileAtomic(options.out / judge.yaml_file, judge.yaml));
    run.written.push_back(options.out / judge.yaml_file);
    mode.judge_draft = judge.yaml_file;
    mode.judge_rubric = judge.rubric_file;
    mode.judge_examples = judge.fail_examples.size();
    if (!options.calibrate_judge) continue;
    ARBITER_ASSIGN_OR_RETURN(LoadedEvaluator loaded,
                             LoadEvaluator(options.out / judge.yaml_file, registry));
    if (!loaded.skipped.empty()) {
      return Status::InvalidArgument("--calibrate-judge: " + judge.yaml_file + ": " +
                                     loaded.skipped);
    }
    ARBITER_ASSIGN_OR_RETURN(
        mode.judge_figures,
        HeldOutFigures(loaded, consensus.at(mode.failure_mode), traces, options.search.seed));
  }
  ReportContext context;
  context.label_set = run.label_set;
  context.suite = options.suite_file;
  context.signal_mcc = search.signal_mcc;
  context.traces_found = run.traces_found;
  context.traces_labeled = run.traces_labeled;
  ARBITER_RETURN_IF_ERROR(
      WriteFileAtomic(options.out / "generate.md", GenerateMarkdown(context, run.modes)));
  return run;
}

}  // namespace arbiter
