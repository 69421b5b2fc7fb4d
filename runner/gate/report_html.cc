#include "runner/gate/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "runner/base/report_text.h"
#include "runner/calibration/calibration_report.h"
#include "runner/gate/gate_report.h"
#include "runner/stats/stats.h"

namespace arbiter {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kStyle[] = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2433;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.decision{display:inline-block;padding:4px 12px;border-radius:6px;font-weight:700;color:#fff}
.blocked{background:#c62828}.passed{background:#2e7d32}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d5d9e0;padding:3px 8px;text-align:left}
.heat td:first-child{white-space:nowrap}
th{background:#f3f5f8}.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600}
.role-gate{background:#1565c0;color:#fff}.role-signal{background:#f9a825}
.role-revise{background:#8d6e63;color:#fff}.role-uncalibrated{background:#cfd8dc}
.v-block{color:#c62828;font-weight:700}.v-warn{color:#ef6c00;font-weight:700}
.v-pass{color:#2e7d32}.v-untrusted{color:#607d8b}
.muted{color:#607d8b}details{margin:6px 0}summary{cursor:pointer;font-weight:600}
svg text{font:12px system-ui,sans-serif}
)css";

// Filters the evaluator sections by name; sets data-ready once it ran, which tests check.
constexpr char kScript[] = R"js(
(function () {
  var input = document.getElementById('filter');
  input.addEventListener('input', function () {
    var text = input.value.toLowerCase();
    document.querySelectorAll('[data-evaluator]').forEach(function (el) {
      el.style.display = el.getAttribute('data-evaluator').indexOf(text) >= 0 ? '' : 'none';
    });
  });
  document.body.setAttribute('data-ready', String(document.querySelectorAll('section[data-evaluator]').length));
})();
)js";

std::string Badge(Role role) {
  const std::string name = XmlEscape(RoleName(role));
  return "<span class=\"badge role-" + name + "\">" + name + "</span>";
}

// Pass rates with Wilson whiskers, baseline (grey) above candidate (colored by verdict).
std::string PassRateChart(const GateResult& result) {
  const int label_width = 230, plot_width = 560, row_height = 34;
  int height = static_cast<int>(result.evaluators.size()) * row_height + 30;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(label_width + plot_width + 30) + "\" height=\"" +
                    std::to_string(height) + "\" role=\"img\" aria-label=\"pass rates\">";
  auto x = [&](double rate) { return FigureText(label_width + rate * plot_width, 1); };
  for (int tick = 0; tick <= 10; tick += 2) {
    double rate = tick / 10.0;
    svg += "<line x1=\"" + x(rate) + "\" x2=\"" + x(rate) + "\" y1=\"0\" y2=\"" +
           std::to_string(height - 20) + "\" stroke=\"#e3e6eb\"/><text x=\"" + x(rate) + "\" y=\"" +
           std::to_string(height - 6) + "\" text-anchor=\"middle\">" + std::to_string(tick * 10) +
           "%</text>";
  }
  int y = 10;
  for (const EvaluatorGate& g : result.evaluators) {
    svg += "<text x=\"0\" y=\"" + std::to_string(y + 13) + "\">" + XmlEscape(g.id) + "</text>";
    if (g.shared_traces > 0) {
      double n = static_cast<double>(g.shared_traces);
      const char* color = g.verdict == Verdict::kBlock  ? "#c62828"
                          : g.verdict == Verdict::kWarn ? "#ef6c00"
                                                        : "#1565c0";
      struct Bar {
        double passes;
        int dy;
        const char* color;
        const char* name;
      } bars[] = {{static_cast<double>(g.baseline_passes), 4, "#90a4ae", "baseline"},
                  {static_cast<double>(g.candidate_passes), 16, color, "candidate"}};
      for (const Bar& bar : bars) {
        auto [low, high] = WilsonInterval(bar.passes, n);
        std::string cy = std::to_string(y + bar.dy);
        svg += "<g><title>" + std::string(bar.name) + " " + PercentText(bar.passes / n) + " " +
               IntervalText(low, high) + "</title>";
        svg += "<line x1=\"" + x(low) + "\" x2=\"" + x(high) + "\" y1=\"" + cy + "\" y2=\"" + cy +
               "\" stroke=\"" + bar.color + "\" stroke-width=\"2\"/>";
        svg += "<circle cx=\"" + x(bar.passes / n) + "\" cy=\"" + cy + "\" r=\"4\" fill=\"" +
               bar.color + "\"/></g>";
      }
    }
    y += row_height;
  }
  return svg + "</svg>";
}

// stratum path -> value -> evaluator id -> pass rate, from a run's scorecard.
using StrataRates = std::map<std::string, std::map<std::string, std::map<std::string, double>>>;

StrataRates ReadStrata(const Json& scorecard) {
  StrataRates rates;
  if (!scorecard.is_object() || !scorecard.contains("evaluators")) return rates;
  for (const Json& e : scorecard["evaluators"]) {
    if (!e.contains("strata") || !e["strata"].is_object()) continue;
    for (const auto& [path, values] : e["strata"].items()) {
      for (const auto& [value, figures] : values.items()) {
        if (figures.contains("pass_rate") && figures["pass_rate"].is_number()) {
          rates[path][value][e.value("id", "")] = figures["pass_rate"].get<double>();
        }
      }
    }
  }
  return rates;
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

std::string HeatMap(const GateResult& result, const RunOutput& baseline,
                    const RunOutput& candidate) {
  StrataRates before = ReadStrata(baseline.scorecard), after = ReadStrata(candidate.scorecard);
  if (after.empty()) return "<p class=\"muted\">The runs' scorecards have no strata.</p>";
  std::string html;
  for (const auto& [path, values] : after) {
    html +=
        "<h3>Change in pass rate by " + XmlEscape(path) + " (candidate - baseline, points)</h3>";
    html += "<table class=\"heat\"><tr><th>evaluator</th>";
    for (const auto& [value, unused] : values) html += "<th>" + XmlEscape(value) + "</th>";
    html += "</tr>";
    for (const EvaluatorGate& g : result.evaluators) {
      html += "<tr data-evaluator=\"" + XmlEscape(g.id) + "\"><td>" + XmlEscape(g.id) + "</td>";
      for (const auto& [value, by_evaluator] : values) {
        auto now = by_evaluator.find(g.id);
        auto then_path = before.find(path);
        double delta = 0;
        bool known = now != by_evaluator.end() && then_path != before.end() &&
                     then_path->second.count(value) && then_path->second.at(value).count(g.id);
        if (known) delta = now->second - then_path->second.at(value).at(g.id);
        html += known ? "<td class=\"num\" style=\"background:" + HeatColor(delta) + "\">" +
                            FigureText(100 * delta, 1) + "</td>"
                      : "<td class=\"muted\">-</td>";
      }
      html += "</tr>";
    }
    html += "</table>";
  }
  return html;
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
            " traces where it disagrees with the humans</summary><table><tr><th>trace</th>"
            "<th>label</th><th>score</th><th>reason</th></tr>";
    for (const Json& d : list) {
      std::string label = Field(d, "label").is_string() ? Field(d, "label").get<std::string>()
                                                        : FigureText(Number(Field(d, "label")), 1);
      html += "<tr><td>" + XmlEscape(d.value("trace_id", "")) + "</td><td>" + XmlEscape(label) +
              "</td><td class=\"num\">" + FigureText(Number(Field(d, "score")), 2) + "</td><td>" +
              XmlEscape(d.value("reason", "")) + "</td></tr>";
    }
    html += "</table></details>";
  }
  return html;
}

}  // namespace

std::string GateHtml(const GateResult& result, const RunOutput& baseline,
                     const RunOutput& candidate) {
  const std::string decision = GateDecisionName(result.decision);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>arbiter gate: " +
      decision + "</title><style>" + kStyle + "</style></head><body>";
  html += "<h1>arbiter gate <span class=\"decision " + decision + "\">" + decision + "</span></h1>";
  html += "<p class=\"muted\">Baseline " + XmlEscape(baseline.dir.string()) + ", candidate " +
          XmlEscape(candidate.dir.string()) + ". Tolerance " + PercentText(result.tolerance) +
          ". Only gate-role evaluators block.</p>";
  html += "<p><label>Filter evaluators <input id=\"filter\" type=\"search\"></label></p>";

  html +=
      "<h2>Verdicts</h2><table><tr><th>evaluator</th><th>role</th><th>traces</th>"
      "<th>baseline</th><th>candidate</th><th>change [95% CI]</th><th>verdict</th></tr>";
  for (const EvaluatorGate& g : result.evaluators) {
    bool any = g.shared_traces > 0;
    html += "<tr data-evaluator=\"" + XmlEscape(g.id) + "\"><td>" + XmlEscape(g.id) + " v" +
            std::to_string(g.version) + "</td><td>" + Badge(g.role.role) +
            "</td><td class=\"num\">" + std::to_string(g.shared_traces) +
            "</td><td class=\"num\">" + (any ? PercentText(g.baseline_pass_rate) : "-") +
            "</td><td class=\"num\">" + (any ? PercentText(g.candidate_pass_rate) : "-") +
            "</td><td class=\"num\">" +
            (any ? PercentText(g.delta, Sign::kAlways) + " " +
                       IntervalText(g.delta_low, g.delta_high, Sign::kAlways)
                 : "-") +
            "</td><td class=\"v-" + VerdictName(g.verdict) + "\" title=\"" + XmlEscape(g.message) +
            "\">" + VerdictName(g.verdict) + "</td></tr>";
  }
  html += "</table>";
  html +=
      "<h2>Pass rates with 95% intervals</h2><p class=\"muted\">Grey: baseline; colored: "
      "candidate. Shared traces only.</p>" +
      PassRateChart(result);
  html += "<h2>By stratum</h2>" + HeatMap(result, baseline, candidate);
  html += "<h2>Calibration</h2>";
  for (const EvaluatorGate& g : result.evaluators) {
    html += "<section data-evaluator=\"" + XmlEscape(g.id) + "\"><h3>" + XmlEscape(g.id) +
            " <span class=\"v-" + VerdictName(g.verdict) + "\">" + VerdictName(g.verdict) +
            "</span></h3><p>" + XmlEscape(g.message) + "</p>" + Calibration(g) + "</section>";
  }
  html += "<script>" + std::string(kScript) + "</script></body></html>\n";
  return html;
}

}  // namespace arbiter
