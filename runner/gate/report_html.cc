#include "runner/gate/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "runner/base/html.h"
#include "runner/base/report_text.h"
#include "runner/calibration/calibration_report.h"
#include "runner/gate/gate_report.h"

namespace arbiter {
namespace {

using Json = nlohmann::ordered_json;

// Narrow screens (under 640 px): the verdict table stacks into one card per evaluator with its
// verdict beside its name, so no verdict sits in a column scrolled out of sight, and the chart's
// text grows to stay legible as its viewBox shrinks. Chart text has a white halo to stay
// readable over the grid lines.
constexpr char kStyle[] = R"css(
.decision{display:inline-block;padding:4px 12px;border-radius:6px;font-weight:700;color:#fff;font-size:18px}
.d-blocked{background:#c62828}.d-passed{background:#2e7d32}.d-warned{background:#b45309}
.d-inconclusive{background:#6a1b9a}
.headline{font-size:17px;font-weight:600;margin:8px 0}
ul.reasons li,ul.warnings li{margin:2px 0}ul.warnings{color:#8a4b00}
.heat td:first-child{white-space:nowrap}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600}
.role-gate{background:#1565c0;color:#fff}.role-signal{background:#f9a825}
.role-revise{background:#8d6e63;color:#fff}.role-uncalibrated{background:#cfd8dc}
.verdict{font-weight:700;white-space:nowrap}
.v-block{color:#c62828}.v-warn{color:#ef6c00}.v-pass{color:#2e7d32}.v-untrusted{color:#607d8b}
.v-inconclusive{color:#6a1b9a}
input[type=search]{font:inherit;padding:3px 6px;max-width:100%;width:22em}
svg.deltas{display:block;width:100%;height:auto;max-width:780px}
svg.deltas text{font-family:system-ui,sans-serif;font-size:13px;fill:#1d2433;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
svg.deltas text.axis{font-size:11px;fill:#607d8b}
@media (max-width:640px){
svg.deltas text{font-size:22px}svg.deltas text.axis{font-size:18px}
table.verdicts thead{display:none}
table.verdicts,table.verdicts tbody,table.verdicts td{display:block;width:100%}
table.verdicts tr{display:flex;flex-wrap:wrap;border:1px solid #d5d9e0;border-radius:6px;margin:8px 0;padding:4px 8px}
table.verdicts td:first-child{order:-2;width:auto;margin-right:10px}table.verdicts td.verdict{order:-1;width:auto}
table.verdicts td{border:0;padding:1px 0;text-align:left;white-space:normal}
table.verdicts td[data-label]::before{content:attr(data-label) ": ";color:#607d8b;font-weight:400}
}
)css";

// Filters the regressed-trace rows by the search box (trace id or either reason, as text: the
// rows were escaped when written and are only read here), and sets data-ready once it ran,
// which tests check.
constexpr char kScript[] = R"js(
(function () {
  var input = document.getElementById('trace-search');
  var count = document.getElementById('trace-count');
  var rows = document.querySelectorAll('tr[data-trace]');
  function apply() {
    var text = input.value.toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var hit = row.textContent.toLowerCase().indexOf(text) >= 0;
      row.style.display = hit ? '' : 'none';
      if (hit) shown++;
    });
    if (text) {
      document.querySelectorAll('details.regressed').forEach(function (d) { d.open = true; });
    }
    count.textContent = shown + ' of ' + rows.length + ' listed traces match';
  }
  if (input) input.addEventListener('input', apply);
  document.body.setAttribute('data-ready', String(document.querySelectorAll('section[data-evaluator]').length));
})();
)js";

std::string Badge(Role role) {
  const std::string name = XmlEscape(RoleName(role));
  return "<span class=\"badge role-" + name + "\">" + name + "</span>";
}

// A fraction as signed points: -0.14 -> "-14.0", 0.03 -> "+3.0".
std::string Points(double fraction) {
  std::string text = FigureText(100 * fraction, 1);
  return (fraction > 0 && text != "0.0" ? "+" : "") + text;
}

// An axis tick in points without needless decimals: 0.25 -> "+25", -0.025 -> "-2.5".
std::string AxisText(double fraction) {
  std::string text = NumberText(std::round(fraction * 1000) / 10);
  return fraction > 0 ? "+" + text : text;
}

// "-14.0 [-17.0, -11.0]": the change and its paired 95% interval, in points.
std::string ChangeText(const EvaluatorGate& g) {
  return Points(g.delta) + " [" + Points(g.delta_low) + ", " + Points(g.delta_high) + "]";
}

// "2-point", "0.5-point".
std::string ToleranceText(double tolerance) {
  return NumberText(std::round(tolerance * 1000) / 10) + "-point";
}

bool Compared(const EvaluatorGate& g) { return g.shared_traces > 0; }

const char* VerdictColor(Verdict verdict) {
  switch (verdict) {
    case Verdict::kBlock:
      return "#c62828";
    case Verdict::kWarn:
      return "#ef6c00";
    case Verdict::kPass:
      return "#2e7d32";
    case Verdict::kInconclusive:
      return "#6a1b9a";
    case Verdict::kUntrusted:
      break;
  }
  return "#90a4ae";
}

// The decision as the badge says it: a pass with warnings is told apart from a clean one.
std::pair<std::string, std::string> DecisionBadge(const GateResult& result) {
  if (result.decision == GateDecision::kPassed && !result.warnings.empty()) {
    return {"passed with warnings", "d-warned"};
  }
  const std::string name = GateDecisionName(result.decision);
  return {name, "d-" + name};
}

// The half-width of the chart's points axis: the smallest round value that holds every
// interval and the tolerance line with room to spare.
double AxisHalfWidth(const GateResult& result) {
  double needed = result.options.tolerance * 1.5;
  for (const EvaluatorGate& g : result.evaluators) {
    if (!Compared(g)) continue;
    needed = std::max({needed, std::abs(g.delta_low), std::abs(g.delta_high), std::abs(g.delta)});
  }
  for (double nice : {0.05, 0.1, 0.2, 0.3, 0.5}) {
    if (needed <= nice) return nice;
  }
  return 1.0;
}

// The chart that decides: per evaluator, its change in points as a dot with its 95% interval
// as a bar, against a solid line at zero and a dashed one at minus the tolerance, coloured by
// verdict. Each row's label sits above its bar so that long ids keep the full width on a phone.
std::string DeltaChart(const GateResult& result) {
  const double width = 600, left = 12, right = 588, top = 22, row = 44;
  const double half = AxisHalfWidth(result);
  const double bottom = top + row * static_cast<double>(result.evaluators.size());
  const double height = bottom + 26;
  auto x = [&](double fraction) {
    double clamped = std::clamp(fraction, -half, half);
    return FigureText(left + (clamped + half) / (2 * half) * (right - left), 1);
  };
  auto vline = [&](double at, const std::string& style) {
    return "<line x1=\"" + x(at) + "\" x2=\"" + x(at) + "\" y1=\"" + FigureText(top - 4, 0) +
           "\" y2=\"" + FigureText(bottom, 0) + "\" " + style + "/>";
  };
  std::string svg = "<svg class=\"deltas\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    FigureText(width, 0) + " " + FigureText(height, 0) +
                    "\" width=\"100%\" role=\"img\" aria-label=\"change in pass rate per "
                    "evaluator, in points, with 95% intervals\">";
  for (int tick = -2; tick <= 2; ++tick) {
    if (tick == 0) continue;
    svg += vline(half * tick / 2, "stroke=\"#e3e6eb\"");
  }
  svg += vline(0, "stroke=\"#607d8b\" stroke-width=\"1.5\"");
  svg += vline(-result.options.tolerance,
               "stroke=\"#c62828\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"");
  svg += "<text class=\"axis\" x=\"" + x(-result.options.tolerance) +
         "\" y=\"12\" text-anchor=\"end\">tolerance " + AxisText(-result.options.tolerance) +
         "</text>";
  double y = top;
  for (const EvaluatorGate& g : result.evaluators) {
    const std::string verdict = VerdictName(g.verdict);
    const std::string color = VerdictColor(g.verdict);
    svg += "<g data-evaluator=\"" + XmlEscape(g.id) + "\"><title>" + XmlEscape(g.id) + ": " +
           XmlEscape(g.message) + "</title>";
    svg += "<text x=\"" + FigureText(left, 0) + "\" y=\"" + FigureText(y + 16, 0) + "\">" +
           XmlEscape(g.id) + " <tspan font-weight=\"700\" fill=\"" + color + "\">" + verdict +
           "</tspan> <tspan fill=\"#607d8b\">" +
           (Compared(g) ? XmlEscape(ChangeText(g)) : std::string("not compared")) +
           "</tspan></text>";
    if (Compared(g)) {
      const std::string cy = FigureText(y + 32, 0), low = FigureText(y + 26, 0),
                        high = FigureText(y + 38, 0);
      svg += "<line x1=\"" + x(g.delta_low) + "\" x2=\"" + x(g.delta_high) + "\" y1=\"" + cy +
             "\" y2=\"" + cy + "\" stroke=\"" + color + "\" stroke-width=\"3\"/>";
      for (double end : {g.delta_low, g.delta_high}) {
        svg += "<line x1=\"" + x(end) + "\" x2=\"" + x(end) + "\" y1=\"" + low + "\" y2=\"" + high +
               "\" stroke=\"" + color + "\" stroke-width=\"2\"/>";
      }
      svg += "<circle cx=\"" + x(g.delta) + "\" cy=\"" + cy + "\" r=\"6\" fill=\"" + color + "\"/>";
    }
    svg += "</g>";
    y += row;
  }
  for (int tick = -2; tick <= 2; ++tick) {
    double at = half * tick / 2;
    const char* anchor = tick == -2 ? "start" : tick == 2 ? "end" : "middle";
    svg += "<text class=\"axis\" x=\"" + x(at) + "\" y=\"" + FigureText(bottom + 18, 0) +
           "\" text-anchor=\"" + anchor + "\">" + AxisText(at) + "</text>";
  }
  return svg + "</svg>";
}

// One verdict-table cell; `label` names it when the table stacks on a narrow screen.
std::string Cell(const std::string& label, const std::string& html, const std::string& cls = "") {
  return "<td data-label=\"" + label + "\"" + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" +
         html + "</td>";
}

std::string VerdictTable(const GateResult& result) {
  std::string html =
      "<div class=\"scroll\"><table class=\"verdicts\"><thead><tr><th>evaluator</th><th>role</th>"
      "<th>shared traces</th><th>baseline</th><th>candidate</th><th>change, points [95% CI]</th>"
      "<th>regressed / improved</th><th>verdict</th><th>why</th></tr></thead><tbody>";
  for (const EvaluatorGate& g : result.evaluators) {
    const bool any = Compared(g);
    const std::string verdict = VerdictName(g.verdict);
    html += "<tr data-evaluator=\"" + XmlEscape(g.id) + "\"><td><b>" + XmlEscape(g.id) + "</b> v" +
            std::to_string(g.version) + "</td>";
    html += Cell("role", Badge(g.role.role));
    html += Cell("shared traces", CountText(static_cast<double>(g.shared_traces)), "num");
    html += Cell("baseline", any ? PercentText(g.baseline_pass_rate) : "-", "num");
    html += Cell("candidate", any ? PercentText(g.candidate_pass_rate) : "-", "num");
    html += Cell("change", any ? ChangeText(g) : "-", "num");
    html +=
        Cell("regressed / improved",
             any ? std::to_string(g.regressed_count()) + " / " + std::to_string(g.improved_count())
                 : "-",
             "num");
    html += Cell("verdict", verdict, "verdict v-" + verdict);
    html += Cell("why", XmlEscape(g.message)) + "</tr>";
  }
  return html + "</tbody></table></div>";
}

// stratum path -> value -> evaluator id -> its cell (pass_rate, n), from a run's scorecard.
using StrataCells = std::map<std::string, std::map<std::string, std::map<std::string, Json>>>;

StrataCells ReadStrata(const Json& scorecard) {
  StrataCells cells;
  if (!scorecard.is_object() || !scorecard.contains("evaluators")) return cells;
  for (const Json& e : scorecard["evaluators"]) {
    if (!e.is_object() || !e.contains("strata") || !e["strata"].is_object()) continue;
    for (const auto& [path, values] : e["strata"].items()) {
      if (!values.is_object()) continue;
      for (const auto& [value, figures] : values.items()) {
        if (figures.is_object() && figures.contains("pass_rate") &&
            figures["pass_rate"].is_number()) {
          cells[path][value][e.value("id", "")] = figures;
        }
      }
    }
  }
  return cells;
}

// Red for a drop, green for a gain, white for none; saturated at 20 points.
std::string HeatColor(double delta) {
  double strength = std::min(1.0, std::abs(delta) / 0.2);
  int fade = static_cast<int>(255 - strength * 170);
  char color[32];
  if (delta < 0) {
    std::snprintf(color, sizeof color, "rgb(255,%d,%d)", fade, fade);
  } else {
    std::snprintf(color, sizeof color, "rgb(%d,255,%d)", fade, fade);
  }
  return color;
}

std::string HeatCell(const Json* before, const Json* after) {
  if (before == nullptr || after == nullptr) return "<td class=\"muted\">-</td>";
  const double delta = Number(Field(*after, "pass_rate")).value_or(0) -
                       Number(Field(*before, "pass_rate")).value_or(0);
  const uint64_t n = std::min(before->value("n", uint64_t{0}), after->value("n", uint64_t{0}));
  const std::string figures =
      Points(delta) + "<span class=\"n\">n=" + CountText(static_cast<double>(n)) + "</span>";
  if (n < kSmallCell) {
    return "<td class=\"num small-n\" title=\"fewer than " + std::to_string(kSmallCell) +
           " traces: too few to read a change\">" + figures + "</td>";
  }
  return "<td class=\"num\" style=\"background:" + HeatColor(delta) + "\">" + figures + "</td>";
}

std::string HeatMap(const GateResult& result, const RunOutput& baseline,
                    const RunOutput& candidate) {
  StrataCells before = ReadStrata(baseline.scorecard), after = ReadStrata(candidate.scorecard);
  if (after.empty()) return "<p class=\"muted\">The runs' scorecards have no strata.</p>";
  auto find = [](const StrataCells& cells, const std::string& path, const std::string& value,
                 const std::string& id) -> const Json* {
    auto p = cells.find(path);
    if (p == cells.end()) return nullptr;
    auto v = p->second.find(value);
    if (v == p->second.end()) return nullptr;
    auto e = v->second.find(id);
    return e == v->second.end() ? nullptr : &e->second;
  };
  std::string html =
      "<p class=\"muted\">Change in pass rate (candidate - baseline, points) and the smaller "
      "side's trace count n; grey cells have n &lt; " +
      std::to_string(kSmallCell) + ".</p>";
  for (const auto& [path, values] : after) {
    html += "<h3>By " + XmlEscape(path) +
            "</h3><div class=\"scroll\"><table class=\"heat\"><tr>"
            "<th>evaluator</th>";
    for (const auto& [value, unused] : values) html += "<th>" + XmlEscape(value) + "</th>";
    html += "</tr>";
    for (const EvaluatorGate& g : result.evaluators) {
      html += "<tr data-evaluator=\"" + XmlEscape(g.id) + "\"><td>" + XmlEscape(g.id) + "</td>";
      for (const auto& [value, unused] : values) {
        html += HeatCell(find(before, path, value, g.id), find(after, path, value, g.id));
      }
      html += "</tr>";
    }
    html += "</table></div>";
  }
  return html;
}

// Every listed regressed trace with both rows' reasons; open for the evaluators that block or
// warn, whose traces a reader wants first.
std::string RegressedTable(const EvaluatorGate& g) {
  if (g.regressed.empty()) return "";
  std::string summary =
      CountText(static_cast<double>(g.regressed_total)) + " traces went from pass to fail";
  if (g.regressed_total > g.regressed.size()) {
    summary += " (the first " + CountText(static_cast<double>(g.regressed.size())) + " listed)";
  }
  const bool open = g.verdict == Verdict::kBlock || g.verdict == Verdict::kWarn;
  std::string html = "<details class=\"regressed\"" + std::string(open ? " open" : "") +
                     "><summary>" + summary +
                     "</summary><div class=\"scroll\"><table class=\"traces\"><thead><tr><th>"
                     "trace</th><th>baseline reason</th><th>candidate reason</th></tr></thead>"
                     "<tbody>";
  for (const RegressedTrace& t : g.regressed) {
    html += "<tr data-trace><td>" + XmlEscape(t.trace_id) + "</td><td>" +
            XmlEscape(t.baseline_reason) + "</td><td>" + XmlEscape(t.candidate_reason) +
            "</td></tr>";
  }
  return html + "</tbody></table></div></details>";
}

std::string Calibration(const EvaluatorGate& g) {
  const Json& f = g.role.figures;
  std::string html = "<p>Role " + Badge(g.role.role);
  if (!g.role.source.empty())
    html += " <span class=\"muted\">from " + XmlEscape(g.role.source) + "</span>";
  if (!g.role.note.empty())
    html += " <span class=\"muted\">(" + XmlEscape(g.role.note) + ")</span>";
  html += "</p>";
  if (!f.is_object()) return html + "<p class=\"muted\">No calibration figures.</p>";
  html += "<p>MCC " + FigureText(Number(Field(f, "mcc")), 2) + " (95% CI " +
          (Field(f, "mcc_ci95").is_array() && Field(f, "mcc_ci95").size() == 2
               ? FigureText(Number(Field(f, "mcc_ci95")[0]), 2) + " to " +
                     FigureText(Number(Field(f, "mcc_ci95")[1]), 2)
               : "-") +
          "), kappa " + FigureText(Number(Field(f, "kappa")), 2) + ", precision " +
          FigureText(Number(Field(f, "precision")), 2) + ", recall " +
          FigureText(Number(Field(f, "recall")), 2) + ", Spearman " +
          FigureText(Number(Field(f, "spearman")), 2) + ", on " +
          std::to_string(f.value("labels", 0)) + " labels.</p>";
  if (Field(f, "confusion").is_object()) {
    const Json& m = Field(f, "confusion");
    auto cell = [&](const char* key) {
      return "<td class=\"num\">" + std::to_string(m.value(key, 0)) + "</td>";
    };
    html +=
        "<table class=\"confusion\"><tr><th></th><th>evaluator: fail</th><th>evaluator: "
        "pass</th></tr>"
        "<tr><th>humans: fail</th>" +
        cell("tp") + cell("fn") +
        "</tr>"
        "<tr><th>humans: pass</th>" +
        cell("fp") + cell("tn") + "</tr></table>";
  }
  const Json& list = Field(f, "disagreements");
  if (list.is_array() && !list.empty()) {
    html += "<details><summary>" + std::to_string(list.size()) +
            " traces where it disagrees with the humans</summary><div class=\"scroll\"><table>"
            "<tr><th>trace</th><th>label</th><th>score</th><th>reason</th></tr>";
    for (const Json& d : list) {
      std::string label = Field(d, "label").is_string() ? Field(d, "label").get<std::string>()
                                                        : FigureText(Number(Field(d, "label")), 1);
      html += "<tr><td>" + XmlEscape(d.value("trace_id", "")) + "</td><td>" + XmlEscape(label) +
              "</td><td class=\"num\">" + FigureText(Number(Field(d, "score")), 2) + "</td><td>" +
              XmlEscape(d.value("reason", "")) + "</td></tr>";
    }
    html += "</table></div></details>";
  }
  return html;
}

std::string Header(const GateResult& result, const RunOutput& baseline,
                   const RunOutput& candidate) {
  auto [badge, badge_class] = DecisionBadge(result);
  std::string html = "<h1>arbiter gate</h1><p><span id=\"decision\" class=\"decision " +
                     badge_class + "\">" + badge +
                     "</span></p><p id=\"headline\" "
                     "class=\"headline\">" +
                     XmlEscape(result.headline) + "</p>";
  if (result.decision == GateDecision::kInconclusive && !result.reasons.empty()) {
    html += "<p>The gate could not vouch for the candidate:</p><ul class=\"reasons\">";
    for (const std::string& reason : result.reasons) html += "<li>" + XmlEscape(reason) + "</li>";
    html += "</ul>";
  }
  if (!result.warnings.empty()) {
    html += "<ul class=\"warnings\">";
    for (const std::string& warning : result.warnings) {
      html += "<li>Warning: " + XmlEscape(warning) + "</li>";
    }
    html += "</ul>";
  }
  const GateOptions& o = result.options;
  html += "<p class=\"muted\">Baseline " + XmlEscape(baseline.dir.string()) + ", candidate " +
          XmlEscape(candidate.dir.string()) + ". " + ToleranceText(o.tolerance) +
          " tolerance: a gate-role evaluator blocks when its pass rate falls by more and the 95% "
          "interval excludes zero. Shared traces must cover " +
          PercentText(o.min_coverage) + " of the baseline's; candidate error rate at most " +
          PercentText(o.max_error_rate) + ".";
  if (o.allow_uncalibrated) {
    html += " <b>--allow-uncalibrated: uncalibrated evaluators act as gates.</b>";
  }
  return html + "</p>";
}

}  // namespace

std::string GateHtml(const GateResult& result, const RunOutput& baseline,
                     const RunOutput& candidate) {
  std::string html;
  html += Header(result, baseline, candidate);
  html +=
      "<h2>Change in pass rate, points, with 95% intervals</h2><p class=\"muted\">Paired on the "
      "traces both runs judged. Dashed line: minus the tolerance; a gate-role evaluator whose "
      "whole bar lies left of zero and whose dot lies left of the dashed line blocks.</p>" +
      DeltaChart(result);
  html += "<h2>Verdicts</h2>" + VerdictTable(result);
  html += "<h2>By stratum</h2>" + HeatMap(result, baseline, candidate);
  html += "<h2>Evaluators</h2>";
  bool any_regressed = std::any_of(result.evaluators.begin(), result.evaluators.end(),
                                   [](const EvaluatorGate& g) { return !g.regressed.empty(); });
  if (any_regressed) {
    html +=
        "<p><label for=\"trace-search\">Search regressed traces </label><input "
        "id=\"trace-search\" type=\"search\" placeholder=\"trace id or reason\"> "
        "<output id=\"trace-count\" class=\"muted\"></output></p>";
  }
  for (const EvaluatorGate& g : result.evaluators) {
    const std::string verdict = VerdictName(g.verdict);
    html += "<section data-evaluator=\"" + XmlEscape(g.id) + "\"><h3>" + XmlEscape(g.id) + " v" +
            std::to_string(g.version) + " <span class=\"verdict v-" + verdict + "\">" + verdict +
            "</span></h3><p>" + XmlEscape(g.message) + "</p>" + RegressedTable(g) + Calibration(g) +
            "</section>";
  }
  return HtmlPage("arbiter gate: " + DecisionBadge(result).first, kStyle, html, kScript);
}

}  // namespace arbiter
