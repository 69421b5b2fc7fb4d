#include "runner/calibration/calibration_report.h"

#include "runner/base/report_text.h"

namespace arbiter {

const nlohmann::ordered_json& Field(const nlohmann::ordered_json& object, const char* key) {
  static const nlohmann::ordered_json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::optional<double> Number(const nlohmann::ordered_json& value) {
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

namespace {

// Table cells must not break the Markdown table.
std::string Cell(std::string text) {
  for (char& c : text) {
    if (c == '|' || c == '\n' || c == '\r') c = ' ';
  }
  if (text.size() > 160) text = text.substr(0, 157) + "...";
  return text;
}

std::string Interval(const nlohmann::ordered_json& pair) {
  if (!pair.is_array() || pair.size() != 2) return "";
  return " [" + FigureText(Number(pair[0]), 2) + ", " + FigureText(Number(pair[1]), 2) + "]";
}

}  // namespace

std::string CalibrationMarkdown(const nlohmann::ordered_json& calibration,
                                const CalibrationNotes& notes) {
  std::string md = "# Calibration against " + calibration.value("label_set", "") + "\n\n";
  md += "Label set sha256 `" + calibration.value("label_set_sha256", "") + "`. ";
  md += "Positive class: the failure. Role from MCC at each evaluator's pass threshold.\n\n";
  md +=
      "| evaluator | v | labels | TP | FP | TN | FN | MCC [95% CI] | kappa | precision | recall "
      "| rho | tau-b | role | best threshold (held-out MCC) |\n";
  md += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& e : Field(calibration, "evaluators")) {
    const auto& m = Field(e, "confusion");
    auto count = [&](const char* key) {
      return m.is_object() ? std::to_string(m.value(key, 0)) : "-";
    };
    std::string search = "-";
    if (Field(e, "threshold_search").is_object()) {
      search = FigureText(Number(Field(Field(e, "threshold_search"), "best_threshold")), 2) + " (" +
               FigureText(Number(Field(Field(e, "threshold_search"), "held_out_mcc")), 2) + ")";
    }
    md += "| " + Field(e, "id").get<std::string>() + " | " +
          std::to_string(Field(e, "version").get<int>()) + " | " +
          std::to_string(Field(e, "labels").get<int>()) + " | " + count("tp") + " | " +
          count("fp") + " | " + count("tn") + " | " + count("fn") + " | " +
          FigureText(Number(Field(e, "mcc")), 2) + Interval(Field(e, "mcc_ci95")) + " | " +
          FigureText(Number(Field(e, "kappa")), 2) + " | " +
          FigureText(Number(Field(e, "precision")), 2) + " | " +
          FigureText(Number(Field(e, "recall")), 2) + " | " +
          FigureText(Number(Field(e, "spearman")), 2) + " | " +
          FigureText(Number(Field(e, "kendall_tau_b")), 2) + " | **" +
          Field(e, "role").get<std::string>() + "** | " + search + " |\n";
  }
  if (!notes.unlabeled.empty()) {
    md += "\nNo labels for the failure mode of: ";
    for (size_t i = 0; i < notes.unlabeled.size(); ++i) {
      md += (i ? ", " : "") + notes.unlabeled[i];
    }
    md += " (role `uncalibrated`).\n";
  }
  for (const std::string& line : notes.lines) md += "\n" + line + "\n";

  md += "\n## Disagreements with the labels\n";
  for (const auto& e : Field(calibration, "evaluators")) {
    const auto& list = Field(e, "disagreements");
    md +=
        "\n### " + Field(e, "id").get<std::string>() + " (" + std::to_string(list.size()) + ")\n\n";
    if (list.empty()) {
      md += "None.\n";
      continue;
    }
    md += "| trace | label | score | evaluator's reason |\n|---|---|---|---|\n";
    for (const auto& d : list) {
      std::string label = Field(d, "label").is_string() ? Field(d, "label").get<std::string>()
                                                        : FigureText(Number(Field(d, "label")), 1);
      md += "| " + Cell(Field(d, "trace_id").get<std::string>()) + " | " + label + " | " +
            FigureText(Number(Field(d, "score")), 2) + " | " +
            Cell(Field(d, "reason").get<std::string>()) + " |\n";
    }
  }
  return md;
}

}  // namespace arbiter
