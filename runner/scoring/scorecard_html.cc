// report.html of a run (ScorecardBuilder::Html): the scorecard for people, in one self-contained
// page that fetches nothing and runs no script (runner/base/html.h). Every text from the data
// (suite, evaluator and stratum names, trace ids, reasons, input paths) is escaped.
#include <algorithm>
#include <map>

#include "runner/base/html.h"
#include "runner/base/report_text.h"
#include "runner/scoring/scorecard.h"
#include "runner/scoring/scorecard_text.h"

namespace arbiter {
namespace {

using scorecard_text::Percent;
using scorecard_text::WilsonText;

// Narrow screens keep the page's width: wide tables scroll in their own box, reasons wrap, and
// the pass-rate table drops its plugin and interval-bar columns, so that evaluator ids break at
// their hyphens only.
constexpr char kStyle[] = R"css(
.summary{font-size:16px;margin:6px 0}
ul.warnings{color:#8a4b00}ul.warnings li{margin:2px 0}
.interrupted{background:#fff3e0;border:1px solid #ef6c00;border-radius:6px;padding:6px 10px}
svg.ci{display:block;width:120px;height:14px}
td.reason{min-width:12em}
.ids{font-family:ui-monospace,monospace;font-size:12px}
ul.inputs{margin:4px 0;padding-left:20px;overflow-wrap:anywhere}
td.id{overflow-wrap:normal}
@media (max-width:640px){table.rates .plugin,table.rates .bar{display:none}}
)css";

// Reason groups listed per evaluator and kind; the rest are counted.
constexpr size_t kGroupsShown = 10;

// The pass rate and its interval as a bar on [0, 100%]: the interval shaded, the rate a dot.
std::string IntervalBar(double rate, double low, double high) {
  auto x = [](double fraction) { return FigureText(100 * std::clamp(fraction, 0.0, 1.0), 1); };
  return "<svg class=\"ci\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" "
         "aria-label=\"" +
         PercentText(rate) + " " + IntervalText(low, high) +
         "\"><rect x=\"0\" y=\"4\" width=\"100\" height=\"2\" fill=\"#e3e6eb\"/><rect x=\"" +
         x(low) + "\" y=\"2\" width=\"" + FigureText(100 * std::max(0.0, high - low), 1) +
         "\" height=\"6\" fill=\"#90caf9\"/><circle cx=\"" + x(rate) +
         "\" cy=\"5\" r=\"2.5\" fill=\"#1565c0\"/></svg>";
}

std::string RateBar(uint64_t passes, uint64_t n) {
  if (n == 0) return "";
  auto [low, high] = WilsonInterval(static_cast<double>(passes), static_cast<double>(n));
  return IntervalBar(static_cast<double>(passes) / static_cast<double>(n), low, high);
}

std::string Count(uint64_t n) { return CountText(static_cast<double>(n)); }

// One stratum cell: the pass rate over n, muted when n is under kSmallCell; "-" for none.
std::string StratumCell(uint64_t passes, uint64_t n) {
  if (n == 0) return "<td class=\"num muted\">-</td>";
  const std::string figures = Percent(passes, n) + "<span class=\"n\">n=" + Count(n) + "</span>";
  if (n < kSmallCell) {
    return "<td class=\"num small-n\" title=\"fewer than " + std::to_string(kSmallCell) +
           " traces: too few to read\">" + figures + "</td>";
  }
  return "<td class=\"num\" title=\"95% interval " + WilsonText(passes, n) + "\">" + figures +
         "</td>";
}

// The traces of one evaluator that failed (or erred), grouped by reason: the most common
// reasons with their count and first trace ids, "and N more" of each, then the traces with
// other reasons counted. `what`: "failing" or "erring".
std::string ReasonGroupsHtml(const ReasonTally& tally, const std::string& what) {
  if (tally.total() == 0) return "";
  const std::vector<ReasonTally::Group> kept = tally.Top(ReasonTally::kMaxDistinct);
  uint64_t kept_count = 0;
  for (const ReasonTally::Group& group : kept) kept_count += group.count;
  std::string html = "<details class=\"" + what + "\" open><summary>" + Count(tally.total()) + " " +
                     what + (tally.total() == 1 ? " trace" : " traces") +
                     "</summary><div class=\"scroll\"><table class=\"reasons\"><thead><tr><th>"
                     "reason</th><th>traces</th><th>first traces</th></tr></thead><tbody>";
  uint64_t shown = 0;
  for (size_t i = 0; i < kept.size() && i < kGroupsShown; ++i) {
    const ReasonTally::Group& group = kept[i];
    shown += group.count;
    std::string ids;
    for (const std::string& id : group.examples) ids += (ids.empty() ? "" : ", ") + XmlEscape(id);
    if (group.count > group.examples.size()) {
      ids += " <span class=\"muted\">and " + Count(group.count - group.examples.size()) +
             " more</span>";
    }
    html += "<tr data-reason><td class=\"reason\">" +
            (group.reason.empty() ? std::string("<span class=\"muted\">(no reason given)</span>")
                                  : XmlEscape(group.reason)) +
            "</td><td class=\"num\">" + Count(group.count) + "</td><td class=\"ids\">" + ids +
            "</td></tr>";
  }
  html += "</tbody></table></div>";
  if (tally.total() > shown) {
    html += "<p class=\"muted rest\">and " + Count(tally.total() - shown) + " more " + what +
            (tally.total() - shown == 1 ? " trace" : " traces") + " with other reasons";
    if (kept_count < tally.total()) {
      html += " (more than " + std::to_string(ReasonTally::kMaxDistinct) +
              " distinct reasons: those listed are a fixed sample of them, not the most common)";
    }
    html += "</p>";
  }
  return html + "</details>";
}

}  // namespace

std::string ScorecardBuilder::Html(bool interrupted) const {
  std::string html = "<h1>arbiter run: " + XmlEscape(suite_.name) + "</h1>";
  html += "<p class=\"summary\" id=\"summary\">" + Plural(traces_, "trace") + " scored";
  if (trace_errors_) {
    html += ", " + Plural(trace_errors_, "broken trace") + " skipped" +
            XmlEscape(trace_error_reasons_.Suffix());
  }
  html += ".</p>";
  if (interrupted) {
    html +=
        "<p class=\"interrupted\">The run was interrupted: these figures cover the traces scored "
        "before it stopped.</p>";
  }
  const std::vector<RunWarning> warnings = Warnings();
  if (!warnings.empty()) {
    html += "<ul class=\"warnings\">";
    for (const RunWarning& warning : warnings) {
      html += "<li>Warning: " + XmlEscape(warning.message) + "</li>";
    }
    html += "</ul>";
  }
  if (!inputs_.empty()) {
    html +=
        "<details><summary>" + Plural(inputs_.size(), "input") + "</summary><ul class=\"inputs\">";
    for (const auto& [path, hash] : inputs_) {
      html += "<li>" + XmlEscape(path) + " <span class=\"muted\">" + InputHashName(input_hash_) +
              " " + XmlEscape(hash.substr(0, 12)) + "</span></li>";
    }
    html += "</ul></details>";
  }

  html += "<h2>Pass rates</h2>";
  if (sampled()) {
    html +=
        "<p class=\"muted\">Sampled input: the population pass rate weights each trace by its "
        "<code>_sample.weight</code> (" +
        Plural(cell_index_.size(), "cell") + ")";
    if (without_sample()) {
      html += "; " + Plural(without_sample(), "trace") + " without <code>_sample</code> count once";
    }
    if (malformed_) {
      html +=
          "; " + Plural(malformed_, "trace") + " with a malformed <code>_sample</code> left out";
    }
    html += ".</p>";
  }
  html +=
      "<div class=\"scroll\"><table class=\"rates\" id=\"rates\"><thead><tr><th>evaluator</th>"
      "<th class=\"plugin\">plugin</th><th>judged</th><th>errors</th><th>pass rate</th><th>95% "
      "interval</th><th class=\"bar\"></th>";
  if (sampled()) html += "<th>population pass rate (95%)</th>";
  html += "</tr></thead><tbody>";
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const ScorecardEvaluator& evaluator = suite_.evaluators[e];
    const Tally& t = tallies_[e].all;
    html += "<tr data-evaluator=\"" + XmlEscape(evaluator.id) + "\"><td class=\"id\"><b>" +
            XmlEscape(evaluator.id) + "</b> v" + std::to_string(evaluator.version) +
            "</td><td class=\"plugin\">" + XmlEscape(evaluator.plugin) + "</td><td class=\"num\">" +
            Count(t.n) + "</td><td class=\"num\">" + Count(t.errors) + "</td><td class=\"num\">" +
            Percent(t.passes, t.n) + "</td><td class=\"num\">" + WilsonText(t.passes, t.n) +
            "</td><td class=\"bar\">" + RateBar(t.passes, t.n) + "</td>";
    if (sampled()) {
      std::optional<PopulationRate> population = Population(tallies_[e]);
      html += population ? "<td class=\"num population\">" + PercentText(population->rate) + " " +
                               IntervalText(population->low, population->high) + "</td>"
                         : std::string("<td class=\"num population muted\">n/a</td>");
    }
    html += "</tr>";
  }
  html += "</tbody></table></div>";

  for (size_t s = 0; s < suite_.strata.size(); ++s) {
    std::map<std::string, bool> values;  // columns: values any evaluator saw, sorted
    for (const EvaluatorTally& tally : tallies_) {
      for (const auto& [value, t] : tally.strata[s]) values[value] = true;
    }
    html += "<h2>Pass rate by " + XmlEscape(suite_.strata[s]) +
            "</h2><p class=\"muted\">Grey cells have n &lt; " + std::to_string(kSmallCell) +
            " traces: too few to read.</p><div class=\"scroll\"><table class=\"strata\"><thead>"
            "<tr><th>evaluator</th>";
    for (const auto& [value, unused] : values) html += "<th>" + XmlEscape(value) + "</th>";
    html += "</tr></thead><tbody>";
    for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
      html += "<tr data-evaluator=\"" + XmlEscape(suite_.evaluators[e].id) +
              "\"><td class=\"id\">" + XmlEscape(suite_.evaluators[e].id) + "</td>";
      for (const auto& [value, unused] : values) {
        auto it = tallies_[e].strata[s].find(value);
        html += it == tallies_[e].strata[s].end() ? StratumCell(0, 0)
                                                  : StratumCell(it->second.passes, it->second.n);
      }
      html += "</tr>";
    }
    html += "</tbody></table></div>";
  }

  html += "<h2>Failing and erring traces</h2>";
  for (size_t e = 0; e < suite_.evaluators.size(); ++e) {
    const ScorecardEvaluator& evaluator = suite_.evaluators[e];
    const EvaluatorTally& tally = tallies_[e];
    html += "<section data-evaluator=\"" + XmlEscape(evaluator.id) + "\"><h3>" +
            XmlEscape(evaluator.id) + " v" + std::to_string(evaluator.version) + "</h3>";
    if (!evaluator.skipped.empty()) {
      html += "<p class=\"muted\">Skipped: " + XmlEscape(evaluator.skipped) + "</p>";
    } else if (tally.all.n == 0) {
      html += "<p class=\"muted\">No trace judged.</p>";
    } else if (tally.fail_reasons.total() == 0) {
      html += "<p class=\"muted\">Every judged trace passed.</p>";
    }
    html += ReasonGroupsHtml(tally.fail_reasons, "failing") +
            ReasonGroupsHtml(tally.error_reasons, "erring");
    std::vector<UsageFigure> usage = Usage(e);
    if (!usage.empty()) {
      html += "<p class=\"muted\">Usage:";
      for (const UsageFigure& figure : usage) {
        html += " " + XmlEscape(figure.name) + " " +
                (figure.integer ? Count(static_cast<uint64_t>(figure.value))
                                : NumberText(figure.value)) +
                ";";
      }
      html.back() = '.';
      html += "</p>";
    }
    html += "</section>";
  }
  return HtmlPage("arbiter run: " + suite_.name, kStyle, html);
}

}  // namespace arbiter
