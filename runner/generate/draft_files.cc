#include "runner/generate/draft_files.h"

#include "runner/base/report_text.h"

namespace arbiter {
namespace {

std::string Mcc2(double value) { return FigureText(value, 2); }

std::string Interval(const std::pair<double, double>& ci) {
  return "[" + Mcc2(ci.first) + ", " + Mcc2(ci.second) + "]";
}

std::string P3(double p) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", p);
  return text;
}

// "flags 9 of 10 failing and 1 of 12 passing"
std::string Support(const ConfusionMatrix& m) {
  return "flags " + std::to_string(m.tp) + " of " + std::to_string(m.tp + m.fn) + " failing and " +
         std::to_string(m.fp) + " of " + std::to_string(m.fp + m.tn) + " passing";
}

std::string WrongList(const SplitFigures& f, size_t limit) {
  if (f.wrong.empty()) return "none";
  std::string text;
  for (size_t i = 0; i < f.wrong.size() && i < limit; ++i) {
    if (i) text += ", ";
    text += f.wrong[i].first + (f.wrong[i].second ? " (labeled fail)" : " (labeled pass)");
  }
  if (f.wrong.size() > limit) text += ", and " + std::to_string(f.wrong.size() - limit) + " more";
  return text;
}

const FamilyResult* FamilyOf(const ModeResult& mode, const DraftCandidate& c) {
  for (const FamilyResult& f : mode.families) {
    if (f.kind == c.kind && f.when == c.when) return &f;
  }
  return nullptr;
}

}  // namespace

std::string YamlQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\n' || c == '\r') c = ' ';
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string DraftId(const std::string& failure_mode, const std::string& kind) {
  return IdText(failure_mode + "-" + kind);
}

std::string IdText(const std::string& text) {
  std::string id;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    id += ok ? c : '-';
  }
  return id;
}

std::string DraftYaml(const std::string& label_set, const ModeResult& mode,
                      const DraftCandidate& c) {
  const SplitFigures& f = c.figures;
  const FamilyResult* family = FamilyOf(mode, c);
  std::string y;
  y += "# Drafted by `arbiter generate` from " + label_set + " (" + mode.failure_mode + ": " +
       std::to_string(mode.fails) + " failing, " + std::to_string(mode.passes) +
       " passing labels). Review it before adding it to a suite.\n";
  y += "# Held-out MCC " + Mcc2(f.held_out_mcc) + " (95% interval " + Interval(f.held_out_ci) +
       ") on " + std::to_string(f.held_out.n()) +
       " labels the search never saw; Fisher p = " + P3(f.held_out_p) + ".\n";
  y += "# Calibration MCC " + Mcc2(f.calibration_mcc) + " on " + std::to_string(f.calibration.n()) +
       " labels; support: " + Support(f.calibration) + " calibration traces";
  if (family) {
    y += "; the " + c.kind + " search (" + std::to_string(family->searched) +
         " candidates) beat shuffled labels at p = " + P3(family->p_value);
  }
  y += ".\n";
  if (!c.when.empty()) {
    y += "# Restricted to " + c.when + ": " + std::to_string(mode.slice_fails) + " of the " +
         std::to_string(mode.calibration_fails) +
         " failing calibration traces lie there; the figures are on those traces only.\n";
  }
  y += "# On all " + std::to_string(f.calibration.n() + f.held_out.n()) +
       " labels (what `arbiter calibrate` reports): MCC " + FigureText(f.all_mcc, 4) + ".\n";
  y += "# Gets wrong: " + WrongList(f, 10) + ".\n";
  if (f.errors) y += "# Could not judge " + std::to_string(f.errors) + " labeled traces.\n";
  y += "id: " + DraftId(mode.failure_mode, c.kind) + "\n";
  y += "version: 1\n";
  y += "description: " + YamlQuoted(c.description) + "\n";
  y += "failure_mode: " + mode.failure_mode + "\n";
  y += "plugin: " + c.kind + "\n";
  y += "target: " + c.target + "\n";
  if (!c.when.empty()) y += "when: \"" + c.when + "\"\n";
  y += "params:\n";
  size_t start = 0;
  while (start < c.params_yaml.size()) {
    size_t end = c.params_yaml.find('\n', start);
    y += "  " + c.params_yaml.substr(start, end - start) + "\n";
    start = end + 1;
  }
  y += "pass_threshold: " + std::string(c.pass_threshold == 1.0 ? "1.0" : "0.5") + "\n";
  return y;
}

std::string GenerateMarkdown(const ReportContext& context, const std::vector<ModeResult>& modes) {
  std::string md = "# Drafted evaluators\n\n";
  md += "Label set `" + context.label_set + "`: " + std::to_string(context.traces_found) + " of " +
        std::to_string(context.traces_labeled) +
        " labeled traces found in the trace files. Candidates are fitted on the calibration "
        "split and ranked by MCC on the held-out split (the trace-id hash split of "
        "`calibrate`). A kind's pick is written when its search beats shuffled labels "
        "(permutation p <= 0.01), its held-out MCC reaches signal_mcc " +
        Mcc2(context.signal_mcc) + " and its held-out agreement is not chance (Fisher p <= 0.05).";
  if (!context.suite.empty()) {
    md += " Rows `suite:` are the evaluators of `" + context.suite + "` for the same mode.";
  }
  md += "\n";
  for (const ModeResult& mode : modes) {
    md += "\n## " + mode.failure_mode + "\n\n";
    md += std::to_string(mode.fails) + " failing and " + std::to_string(mode.passes) +
          " passing labels";
    if (mode.missing) md += " (" + std::to_string(mode.missing) + " more without their trace)";
    if (!mode.skipped.empty()) {
      md += ". Skipped: " + mode.skipped + ".\n";
      continue;
    }
    md += "; calibration split " + std::to_string(mode.calibration) + ", held-out " +
          std::to_string(mode.held_out) + ".\n\n";
    if (!mode.slice.empty()) {
      md += "Failures concentrate where `" + mode.slice + "` (" + std::to_string(mode.slice_fails) +
            " of " + std::to_string(mode.calibration_fails) + " failing calibration traces, " +
            std::to_string(mode.slice_traces) + " of " + std::to_string(mode.calibration) +
            " calibration traces): each kind was searched again on those traces alone, and a "
            "kind's restricted pick replaces its pick over every trace when it agrees better on "
            "the held-out labels.\n\n";
    }
    md += "| kind | candidates scored | permutation p |\n|---|---|---|\n";
    for (const FamilyResult& f : mode.families) {
      md += "| " + MarkdownCell(f.kind + (f.when.empty() ? "" : " when " + f.when)) + " | " +
            std::to_string(f.searched) + " | " + P3(f.p_value) + " |\n";
    }
    md +=
        "\n| rank | evaluator | target | held-out MCC | 95% interval | held-out n | "
        "calibration MCC | calibration support | verdict |\n"
        "|---|---|---|---|---|---|---|---|---|\n";
    size_t rank = 0;
    for (const DraftCandidate& c : mode.candidates) {
      const SplitFigures& f = c.figures;
      std::string verdict = c.chosen ? c.verdict : "not its kind's pick on calibration";
      if (c.written) verdict = "written: `" + DraftId(mode.failure_mode, c.kind) + ".yaml`";
      std::string what = c.kind + " " + c.summary + (c.when.empty() ? "" : " when " + c.when);
      md += "| " + std::to_string(++rank) + " | " + MarkdownCell(what) + " | " +
            MarkdownCell(c.target) + " | " + Mcc2(f.held_out_mcc) + " | " +
            Interval(f.held_out_ci) + " | " + std::to_string(f.held_out.n()) + " | " +
            Mcc2(f.calibration_mcc) + " | " + Support(f.calibration) + " | " +
            MarkdownCell(verdict) + " |\n";
    }
    for (const ExistingFigures& e : mode.existing) {
      const SplitFigures& f = e.figures;
      md += "| suite | " + MarkdownCell(e.id + " v" + std::to_string(e.version)) + " | | " +
            Mcc2(f.held_out_mcc) + " | " + Interval(f.held_out_ci) + " | " +
            std::to_string(f.held_out.n()) + " | " + Mcc2(f.calibration_mcc) + " | " +
            Support(f.calibration) + " | existing |\n";
    }
    if (!mode.judge_draft.empty()) {
      md += "\nNo rule was written, so a judge was drafted: `" + mode.judge_draft + "` reads `" +
            mode.judge_rubric + "`, whose few-shot examples are " +
            std::to_string(mode.judge_examples) + " failing and " +
            std::to_string(mode.judge_examples) +
            " passing traces of the calibration split (redacted). ";
      if (const std::optional<SplitFigures>& f = mode.judge_figures) {
        md += "With `--calibrate-judge` it judged the " + std::to_string(f->held_out.n()) +
              " held-out labels at MCC " + Mcc2(f->held_out_mcc) + " (95% interval " +
              Interval(f->held_out_ci) + ", Fisher p = " + P3(f->held_out_p) + "; " +
              Support(f->held_out) + (f->errors ? "; " + Plural(f->errors, "error") : "") +
              "), where the best rule's held-out MCC is " +
              Mcc2(mode.candidates.empty() ? 0.0 : mode.candidates.front().figures.held_out_mcc) +
              ". Review the rubric before using it.\n";
      } else {
        md +=
            "Its agreement is not measured here: review the rubric and calibrate it with a "
            "judge endpoint (or run `generate --calibrate-judge`).\n";
      }
    }
  }
  return md;
}

}  // namespace arbiter
