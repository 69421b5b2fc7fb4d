#include "runner/generate/candidate_search.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <set>

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "runner/base/hash.h"
#include "runner/base/report_text.h"
#include "runner/generate/phrase_mining.h"
#include "runner/stats/bootstrap.h"
#include "runner/stats/threshold_search.h"

namespace arbiter {
namespace {

// One labeled trace of the mode being searched.
struct Item {
  const LabeledTrace* trace;
  const SearchFacts* facts;
  bool fail;
  bool held_out;
};

// The mode's labeled traces with the calibration split first, as the search sees them.
struct ModeData {
  std::vector<Item> items;          // every labeled trace with its trace found
  std::vector<size_t> calibration;  // indices into items
  std::vector<bool> calibration_fail;
  size_t calibration_fails = 0;
  std::vector<TraceBits> shuffles;  // the calibration labels, permuted (fail bits)
};

// The calibration labels as bits (set: the humans said fail).
TraceBits LabelBits(const ModeData& data) {
  TraceBits labels(BitWords(data.calibration.size()), 0);
  for (size_t c = 0; c < data.calibration.size(); ++c) {
    if (data.calibration_fail[c]) SetBit(labels, c);
  }
  return labels;
}

double MccOf(size_t n, size_t fails, size_t flagged, size_t tp) {
  ConfusionMatrix m;
  m.tp = tp;
  m.fp = flagged - tp;
  m.fn = fails - tp;
  m.tn = n - flagged - m.fn;
  return Mcc(m);
}

// p-value of a family's best score `observed` against its best scores on the shuffles: the
// share of shuffles scoring at least as well, counting the observed labels as one of them.
double PermutationP(double observed, const std::vector<double>& shuffled) {
  size_t as_good = 0;
  for (double s : shuffled) as_good += s >= observed - 1e-12;
  return static_cast<double>(1 + as_good) / static_cast<double>(1 + shuffled.size());
}

std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// --- Judging a candidate with the plugin itself --------------------------------------------

struct Judged {
  std::vector<std::optional<bool>> fails;  // per item: the evaluator fails it; nullopt: error
};

// A score that arrives later (a judge's) is waited for once every trace was sent, in order.
Result<Judged> JudgeWith(const Evaluator& evaluator, double threshold,
                         const std::optional<Condition>& when, const ModeData& data) {
  Judged judged;
  simdjson::dom::parser parser;
  EvalContext ctx;
  auto decide = [&](const Result<Score>& score) -> std::optional<bool> {
    if (!score.ok() || !std::isfinite(score->value)) return std::nullopt;
    return !(score->value >= threshold);
  };
  std::vector<std::shared_ptr<PendingScore>> pending(data.items.size());
  for (size_t i = 0; i < data.items.size(); ++i) {
    const Item& item = data.items[i];
    simdjson::dom::element root;
    judged.fails.push_back(std::nullopt);
    if (parser.parse(item.trace->json).get(root) || (when && !when->Matches(root))) continue;
    Result<Score> score = evaluator.Evaluate(Trace(root, item.trace->json, item.trace->id), ctx);
    if (score.ok() && score->pending) {
      pending[i] = std::move(score->pending);
    } else {
      judged.fails[i] = decide(score);
    }
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i]) judged.fails[i] = decide(pending[i]->Wait());
  }
  return judged;
}

Result<Judged> JudgeCandidate(const DraftCandidate& candidate, const std::string& mode,
                              const PluginRegistry& registry, const ModeData& data) {
  const PluginInfo* plugin = registry.Find(candidate.kind);
  if (!plugin) return Status::Internal("generate: no plugin '" + candidate.kind + "'");
  EvaluatorSpec spec;
  spec.id = mode + "-" + candidate.kind;
  spec.version = 1;
  spec.failure_mode = mode;
  spec.plugin = candidate.kind;
  spec.pass_threshold = candidate.pass_threshold;
  spec.file = spec.id + ".yaml";
  ARBITER_ASSIGN_OR_RETURN(spec.target, TracePath::Parse(candidate.target));
  try {
    spec.params = YAML::Load(candidate.params_yaml);
  } catch (const YAML::Exception& e) {
    return Status::Internal("generate: draft params do not parse: " + std::string(e.what()));
  }
  std::optional<Condition> when;
  if (!candidate.when.empty()) {
    Result<Condition> parsed = Condition::Parse(candidate.when);
    if (!parsed.ok()) {
      return Status::Internal("generate: draft condition does not parse: " +
                              parsed.status().message());
    }
    when = std::move(*parsed);
  }
  ARBITER_ASSIGN_OR_RETURN(auto evaluator, plugin->create(spec));
  ARBITER_RETURN_IF_ERROR(evaluator->PrepareWorkers(1));
  return JudgeWith(*evaluator, candidate.pass_threshold, when, data);
}

SplitFigures FiguresOf(const Judged& judged, const ModeData& data, uint64_t seed) {
  SplitFigures f;
  std::vector<LabeledDecision> held;
  for (size_t i = 0; i < data.items.size(); ++i) {
    const Item& item = data.items[i];
    if (!judged.fails[i]) {
      ++f.errors;
      continue;
    }
    bool flagged = *judged.fails[i];
    (item.held_out ? f.held_out : f.calibration).Add(item.fail, flagged);
    if (item.held_out) held.push_back({item.fail, flagged});
    if (flagged != item.fail) f.wrong.emplace_back(item.trace->id, item.fail);
  }
  std::sort(f.wrong.begin(), f.wrong.end());
  f.calibration_mcc = Mcc(f.calibration);
  f.held_out_mcc = Mcc(f.held_out);
  ConfusionMatrix all = f.calibration;
  all.tp += f.held_out.tp;
  all.fp += f.held_out.fp;
  all.tn += f.held_out.tn;
  all.fn += f.held_out.fn;
  f.all_mcc = Mcc(all);
  BootstrapOptions bootstrap;
  bootstrap.seed = seed;
  f.held_out_ci = BootstrapMccInterval(held, bootstrap);
  const ConfusionMatrix& h = f.held_out;
  f.held_out_p = FisherOneSided(h.n(), h.tp + h.fn, h.tp + h.fp, h.tp);
  return f;
}

// Calibration decisions of a judged candidate as bits (errors count as passes).
TraceBits CalibrationBits(const Judged& judged, const ModeData& data) {
  TraceBits bits(BitWords(data.calibration.size()), 0);
  for (size_t c = 0; c < data.calibration.size(); ++c) {
    const std::optional<bool>& flagged = judged.fails[data.calibration[c]];
    if (flagged && *flagged) SetBit(bits, c);
  }
  return bits;
}

// --- The families ---------------------------------------------------------------------------

struct Family {
  FamilyResult result;
  std::vector<DraftCandidate> candidates;
};

// The text targets present in at least half of the calibration traces, sorted.
std::vector<std::string> TextTargets(const ModeData& data) {
  std::map<std::string, size_t> present;
  for (size_t index : data.calibration) {
    for (const auto& [path, text] : data.items[index].facts->texts) ++present[path];
  }
  std::vector<std::string> targets;
  for (const auto& [path, count] : present) {
    if (2 * count >= data.calibration.size()) targets.push_back(path);
  }
  return targets;
}

std::string_view TextOf(const Item& item, const std::string& target) {
  auto it = item.facts->texts.find(target);
  return it == item.facts->texts.end() ? std::string_view() : std::string_view(it->second);
}

// `contains` (digit_shapes false) and `regex` (true): mined phrases scored by log-odds z.
Family PhraseFamily(const ModeData& data, bool digit_shapes, const SearchOptions& options) {
  Family family;
  family.result.kind = digit_shapes ? "regex" : "contains";
  const size_t n = data.calibration.size();
  const size_t fails = data.calibration_fails, passes = n - fails;
  MiningOptions mining;
  mining.digit_shapes = digit_shapes;
  mining.max_words = digit_shapes ? 3 : 4;
  mining.min_support = std::max<size_t>(3, (std::min(fails, passes) + 4) / 5);
  // z by (support, failing traces holding it): the same counts give the same z on any shuffle.
  std::vector<double> z_table((n + 1) * (fails + 1), std::nan(""));
  auto z_of = [&](size_t support, size_t held_fail) {
    double& z = z_table[support * (fails + 1) + held_fail];
    if (std::isnan(z)) z = LogOddsZ(held_fail, fails, support - held_fail, passes);
    return z;
  };
  struct Scored {
    const Phrase* phrase;
    std::string target;
    double z;
  };
  std::vector<std::vector<Phrase>> mined;
  std::vector<Scored> scored;
  TraceBits labels = LabelBits(data);
  std::vector<std::string> targets = TextTargets(data);
  mined.reserve(targets.size());
  for (const std::string& target : targets) {
    std::vector<std::string_view> texts;
    for (size_t index : data.calibration) texts.push_back(TextOf(data.items[index], target));
    mined.push_back(MinePhrases(texts, mining));
  }
  double best = 0.0;
  for (size_t t = 0; t < targets.size(); ++t) {
    for (const Phrase& phrase : mined[t]) {
      double z = z_of(phrase.support, CountCommon(phrase.traces, labels));
      scored.push_back({&phrase, targets[t], z});
      best = std::max(best, std::abs(z));
    }
  }
  family.result.searched = scored.size();
  if (scored.empty()) return family;
  std::vector<double> shuffled;
  for (const TraceBits& shuffle : data.shuffles) {
    double top = 0.0;
    for (const Scored& s : scored) {
      top =
          std::max(top, std::abs(z_of(s.phrase->support, CountCommon(s.phrase->traces, shuffle))));
    }
    shuffled.push_back(top);
  }
  family.result.p_value = PermutationP(best, shuffled);

  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (std::abs(a.z) != std::abs(b.z)) return std::abs(a.z) > std::abs(b.z);
    if (a.target != b.target) return a.target < b.target;
    return a.phrase->text < b.phrase->text;
  });
  for (size_t i = 0; i < scored.size() && i < options.listed_per_family; ++i) {
    const Scored& s = scored[i];
    DraftCandidate c;
    c.kind = family.result.kind;
    c.target = s.target;
    c.fit = s.z;
    const bool none = s.z > 0;  // the phrase marks failures: its presence fails the trace
    const char* match = none ? "none" : "any";
    if (digit_shapes) {
      std::string pattern = PhrasePattern(s.phrase->text);
      c.params_yaml =
          "patterns: [" + Quoted(pattern) + "]\nmatch: " + match + "\ncase_insensitive: true\n";
      c.summary = std::string(match) + " /" + pattern + "/";
      c.description = std::string("The ") + s.target + (none ? " does not match " : " matches ") +
                      pattern + " (case ignored; \\d+ is any number).";
    } else {
      c.params_yaml = "phrases: [" + Quoted(s.phrase->text) + "]\nmatch: " + match +
                      "\ncase_insensitive: true\nfold_whitespace: true\n";
      c.summary = std::string(match) + " \"" + s.phrase->text + "\"";
      c.description = std::string("The ") + s.target +
                      (none ? " does not contain " : " contains ") + "\"" + s.phrase->text +
                      "\" (case and spacing ignored).";
    }
    family.candidates.push_back(std::move(c));
  }
  return family;
}

size_t CodePoints(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

size_t WordCount(std::string_view text) { return FoldedWords(text, false).size(); }

// The best bound on one measure: fail above `bound` (max) or below it (min).
struct Bound {
  double mcc = 0.0;
  bool max = true;
  size_t value = 0;
};

// `values` sorted ascending with their calibration labels alongside (`fails` in that order).
Bound BestBound(const std::vector<size_t>& values, const std::vector<bool>& fails, bool fit) {
  const size_t n = values.size();
  size_t total_fails = 0;
  for (bool f : fails) total_fails += f;
  Bound best;
  size_t below_fails = 0;
  for (size_t i = 0; i + 1 < n; ++i) {
    below_fails += fails[i];
    if (values[i] == values[i + 1]) continue;
    size_t below = i + 1;
    // max bound: the traces above fail; min bound: the traces below fail.
    double above_mcc = MccOf(n, total_fails, n - below, total_fails - below_fails);
    double below_mcc = MccOf(n, total_fails, below, below_fails);
    size_t gap = values[i + 1] - values[i] - 1;
    if (above_mcc > best.mcc) best = {above_mcc, true, fit ? values[i] + gap / 2 : 0};
    if (below_mcc > best.mcc) best = {below_mcc, false, fit ? values[i + 1] - gap / 2 : 0};
  }
  return best;
}

Family LengthFamily(const ModeData& data, const SearchOptions& options) {
  Family family;
  family.result.kind = "length";
  const size_t n = data.calibration.size();
  struct Measure {
    std::string target;
    bool chars;
    std::vector<size_t> order;  // calibration positions sorted by value
    std::vector<size_t> sorted;
    Bound bound;
  };
  std::vector<Measure> measures;
  for (const std::string& target : TextTargets(data)) {
    for (bool chars : {true, false}) {
      Measure m{target, chars, {}, {}, {}};
      std::vector<size_t> values;
      for (size_t index : data.calibration) {
        std::string_view text = TextOf(data.items[index], target);
        values.push_back(chars ? CodePoints(text) : WordCount(text));
      }
      m.order.resize(n);
      for (size_t i = 0; i < n; ++i) m.order[i] = i;
      std::stable_sort(m.order.begin(), m.order.end(),
                       [&](size_t a, size_t b) { return values[a] < values[b]; });
      for (size_t i : m.order) m.sorted.push_back(values[i]);
      std::vector<bool> fails;
      for (size_t i : m.order) fails.push_back(data.calibration_fail[i]);
      m.bound = BestBound(m.sorted, fails, true);
      measures.push_back(std::move(m));
    }
  }
  family.result.searched = measures.size();
  if (measures.empty()) return family;
  double best = 0.0;
  for (const Measure& m : measures) best = std::max(best, m.bound.mcc);
  std::vector<double> shuffled;
  std::vector<bool> fails(n);
  for (const TraceBits& shuffle : data.shuffles) {
    double top = 0.0;
    for (const Measure& m : measures) {
      for (size_t i = 0; i < n; ++i) fails[i] = GetBit(shuffle, m.order[i]);
      top = std::max(top, BestBound(m.sorted, fails, false).mcc);
    }
    shuffled.push_back(top);
  }
  family.result.p_value = PermutationP(best, shuffled);
  std::vector<const Measure*> ranked;
  for (const Measure& m : measures) {
    if (m.bound.mcc > 0) ranked.push_back(&m);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Measure* a, const Measure* b) { return a->bound.mcc > b->bound.mcc; });
  for (size_t i = 0; i < ranked.size() && i < options.listed_per_family; ++i) {
    const Measure& m = *ranked[i];
    DraftCandidate c;
    c.kind = "length";
    c.target = m.target;
    c.fit = m.bound.mcc;
    std::string key = std::string(m.bound.max ? "max_" : "min_") + (m.chars ? "chars" : "words");
    std::string value = std::to_string(m.bound.value);
    std::string unit = m.chars ? "characters" : "words";
    c.params_yaml = key + ": " + value + "\n";
    c.summary = key + " " + value;
    c.description = "The " + m.target + " is " + (m.bound.max ? "at most " : "at least ") + value +
                    " " + unit + ".";
    family.candidates.push_back(std::move(c));
  }
  return family;
}

// A RE2 shape of a document id: digit runs become \d+, punctuation escaped.
std::string IdShape(std::string_view id) {
  std::string shape;
  for (size_t i = 0; i < id.size();) {
    char c = id[i];
    if (c >= '0' && c <= '9') {
      while (i < id.size() && id[i] >= '0' && id[i] <= '9') ++i;
      shape += "\\d+";
      continue;
    }
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                static_cast<unsigned char>(c) >= 0x80;
    if (!word) shape += '\\';
    shape += c;
    ++i;
  }
  return shape;
}

// Candidates whose decisions do not depend on the labels (no fitting): the family's test is
// their best calibration MCC against the same on shuffled labels.
struct FixedCandidate {
  DraftCandidate candidate;
  TraceBits bits;
};

double FixedBest(const std::vector<FixedCandidate>& fixed, const TraceBits& labels, size_t n,
                 size_t fails) {
  double best = 0.0;
  for (const FixedCandidate& f : fixed) {
    best = std::max(best, MccOf(n, fails, CountBits(f.bits), CountCommon(f.bits, labels)));
  }
  return best;
}

Result<Family> CitationsFamily(const ModeData& data, const std::string& mode,
                               const PluginRegistry& registry) {
  Family family;
  family.result.kind = "citations";
  // The id shapes of the documents retrieved for the mode's traces (the labels play no part).
  std::map<std::string, size_t> shapes;
  bool any_cites = false;
  for (const Item& item : data.items) {
    for (const std::string& id : item.facts->document_ids) ++shapes[IdShape(id)];
    any_cites = any_cites || item.facts->cites;
  }
  if (shapes.empty() || !any_cites) return family;
  std::vector<std::pair<size_t, std::string>> common;
  for (const auto& [shape, count] : shapes) common.emplace_back(count, shape);
  std::stable_sort(common.begin(), common.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> kept;
  for (size_t i = 0; i < common.size() && i < 4; ++i) kept.push_back(common[i].second);
  std::sort(kept.begin(), kept.end());
  std::string alternatives, readable;
  for (const std::string& shape : kept) {
    alternatives += (alternatives.empty() ? "" : "|") + shape;
    std::string example;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape.compare(i, 3, "\\d+") == 0) {
        example += 'N';
        i += 2;
      } else if (shape[i] != '\\') {
        example += shape[i];
      }
    }
    readable += (readable.empty() ? "" : " or ") + ("[" + example + "]");
  }
  std::vector<FixedCandidate> fixed;
  std::vector<std::string> patterns = {"\\[(" + alternatives + ")\\]"};
  if (patterns.front() != "\\[(doc\\d+)\\]") patterns.push_back("\\[(doc\\d+)\\]");
  for (const std::string& pattern : patterns) {
    DraftCandidate c;
    c.kind = "citations";
    c.target = "output";
    c.pass_threshold = 1.0;
    c.params_yaml = "pattern: " + Quoted(pattern) + "\nverbatim_quotes: false\n";
    c.summary = "pattern " + pattern;
    c.description = "Every document the output cites (" +
                    (pattern == patterns.front() ? readable : std::string("[docN]")) +
                    ") is among the retrieved documents.";
    ARBITER_ASSIGN_OR_RETURN(Judged judged, JudgeCandidate(c, mode, registry, data));
    fixed.push_back({std::move(c), CalibrationBits(judged, data)});
  }
  const size_t n = data.calibration.size();
  TraceBits labels = LabelBits(data);
  double best = FixedBest(fixed, labels, n, data.calibration_fails);
  std::vector<double> shuffled;
  for (const TraceBits& shuffle : data.shuffles) {
    shuffled.push_back(FixedBest(fixed, shuffle, n, data.calibration_fails));
  }
  family.result.searched = fixed.size();
  family.result.p_value = PermutationP(best, shuffled);
  for (FixedCandidate& f : fixed) {
    f.candidate.fit =
        MccOf(n, data.calibration_fails, CountBits(f.bits), CountCommon(f.bits, labels));
    family.candidates.push_back(std::move(f.candidate));
  }
  return family;
}

// The tool each intent needs, learned from the passing calibration traces: the tool called by
// the largest share of that intent's passing traces, less its share among other intents' (so a
// helper every intent calls is not chosen). Intents without passing traces expect nothing.
std::map<std::string, std::string> LearnExpected(const ModeData& data, const TraceBits& fails) {
  std::map<std::string, std::map<std::string, size_t>> calls;  // intent -> tool -> traces
  std::map<std::string, size_t> passing;                       // intent -> passing traces
  std::map<std::string, size_t> all_calls;                     // tool -> passing traces
  size_t all_passing = 0;
  for (size_t c = 0; c < data.calibration.size(); ++c) {
    if (GetBit(fails, c)) continue;
    const SearchFacts& facts = *data.items[data.calibration[c]].facts;
    if (!facts.has_intent) continue;
    ++passing[facts.intent];
    ++all_passing;
    std::set<std::string> distinct(facts.tools.begin(), facts.tools.end());
    for (const std::string& tool : distinct) {
      ++calls[facts.intent][tool];
      ++all_calls[tool];
    }
  }
  std::map<std::string, std::string> expected;
  for (const auto& [intent, tools] : calls) {
    double best = -2.0;
    for (const auto& [tool, count] : tools) {
      double own = static_cast<double>(count) / static_cast<double>(passing[intent]);
      size_t other_traces = all_passing - passing[intent];
      double other = other_traces == 0 ? 0.0
                                       : static_cast<double>(all_calls[tool] - count) /
                                             static_cast<double>(other_traces);
      if (own - other > best) {
        best = own - other;
        expected[intent] = tool;
      }
    }
  }
  return expected;
}

// The calibration decisions of an `expected` map: a trace of an expected intent that calls none
// of its tool fails (a trace without an intent, or of another intent, passes, as in the plugin).
TraceBits ExpectedBits(const ModeData& data, const std::map<std::string, std::string>& expected) {
  TraceBits bits(BitWords(data.calibration.size()), 0);
  for (size_t c = 0; c < data.calibration.size(); ++c) {
    const SearchFacts& facts = *data.items[data.calibration[c]].facts;
    if (!facts.has_intent) continue;
    auto it = expected.find(facts.intent);
    if (it == expected.end()) continue;
    if (std::find(facts.tools.begin(), facts.tools.end(), it->second) == facts.tools.end()) {
      SetBit(bits, c);
    }
  }
  return bits;
}

Result<Family> ToolCallsFamily(const ModeData& data, const std::string& mode,
                               const PluginRegistry& registry) {
  Family family;
  family.result.kind = "tool_calls";
  bool any_tools = false, any_intent = false;
  for (const Item& item : data.items) {
    any_tools = any_tools || !item.facts->tools.empty();
    any_intent = any_intent || item.facts->has_intent;
  }
  if (!any_tools) return family;
  const size_t n = data.calibration.size();
  TraceBits labels = LabelBits(data);
  DraftCandidate repeats;
  repeats.kind = "tool_calls";
  repeats.target = "tool_calls";
  repeats.pass_threshold = 1.0;
  repeats.params_yaml = "no_repeats: true\n";
  repeats.summary = "no_repeats";
  repeats.description = "No tool call is repeated with identical arguments.";
  ARBITER_ASSIGN_OR_RETURN(Judged judged, JudgeCandidate(repeats, mode, registry, data));
  TraceBits repeat_bits = CalibrationBits(judged, data);
  auto repeat_mcc = [&](const TraceBits& fails) {
    return MccOf(n, data.calibration_fails, CountBits(repeat_bits),
                 CountCommon(repeat_bits, fails));
  };
  auto expected_mcc = [&](const TraceBits& fails) {
    TraceBits bits = ExpectedBits(data, LearnExpected(data, fails));
    return MccOf(n, data.calibration_fails, CountBits(bits), CountCommon(bits, fails));
  };
  double best = repeat_mcc(labels);
  if (any_intent) best = std::max(best, expected_mcc(labels));
  std::vector<double> shuffled;
  for (const TraceBits& shuffle : data.shuffles) {
    shuffled.push_back(any_intent ? std::max(repeat_mcc(shuffle), expected_mcc(shuffle))
                                  : repeat_mcc(shuffle));
  }
  family.result.searched = any_intent ? 2 : 1;
  family.result.p_value = PermutationP(best, shuffled);
  repeats.fit = repeat_mcc(labels);
  family.candidates.push_back(std::move(repeats));
  if (any_intent) {
    std::map<std::string, std::string> expected = LearnExpected(data, labels);
    if (!expected.empty()) {
      DraftCandidate c;
      c.kind = "tool_calls";
      c.target = "tool_calls";
      c.pass_threshold = 1.0;
      c.fit = expected_mcc(labels);
      c.params_yaml = "intent_path: metadata.intent\nexpected:\n";
      std::string pairs;
      for (const auto& [intent, tool] : expected) {
        c.params_yaml += "  " + Quoted(intent) + ": [" + Quoted(tool) + "]\n";
        pairs += (pairs.empty() ? "" : ", ") + intent + ": " + tool;
      }
      c.params_yaml += "exclusive: false\n";
      c.summary = "expected per intent (" + std::to_string(expected.size()) + " intents)";
      c.description =
          "The tool the request's intent needs is called (learned from passing "
          "traces; " +
          pairs + ").";
      family.candidates.push_back(std::move(c));
    }
  }
  return family;
}

// --- json_schema -----------------------------------------------------------------------------

// A field a schema requires, with the type its value must have ("": any).
using SchemaField = std::pair<std::string, std::string>;

// A schema over the output (`required` its fields) or over each tool call's arguments (`tools`:
// a tool's required fields). Decided from the search facts, as the plugin decides.
struct SchemaRule {
  bool output = true;
  std::vector<SchemaField> required;
  std::map<std::string, std::vector<SchemaField>> tools;

  static bool Lacks(const JsonShape& shape, const std::vector<SchemaField>& fields) {
    if (!shape.object) return true;
    for (const auto& [key, type] : fields) {
      auto it =
          std::lower_bound(shape.fields.begin(), shape.fields.end(), key,
                           [](const SchemaField& f, const std::string& k) { return f.first < k; });
      if (it == shape.fields.end() || it->first != key) return true;
      if (!type.empty() && it->second != type) return true;
    }
    return false;
  }

  bool Fails(const SearchFacts& facts) const {
    if (output) return facts.has_output && Lacks(facts.output_json, required);
    for (const ToolArguments& call : facts.tool_arguments) {
      auto it = tools.find(call.tool);
      if (it != tools.end() && Lacks(call.arguments, it->second)) return true;
    }
    return false;
  }
};

// The keys at least 90% of `shapes` hold (none from fewer than 2), sorted, each with the type
// at least 90% of them give it ("" when they disagree).
std::vector<SchemaField> NearlyAllHold(const std::vector<const JsonShape*>& shapes) {
  std::vector<SchemaField> fields;
  if (shapes.size() < 2) return fields;
  std::map<std::string, std::map<std::string, size_t>> held;  // key -> type -> shapes
  for (const JsonShape* shape : shapes) {
    for (const auto& [key, type] : shape->fields) ++held[key][type];
  }
  for (const auto& [key, types] : held) {
    size_t count = 0;
    std::string common;
    for (const auto& [type, n] : types) {
      count += n;
      if (10 * n >= 9 * shapes.size()) common = type;
    }
    if (10 * count >= 9 * shapes.size()) fields.emplace_back(key, common);
  }
  return fields;
}

// The schemas learned from the passing calibration traces (`fails` clear): the output's keys
// nearly every passing JSON output has, and per tool the argument keys nearly every passing call
// has. Rules that require nothing are left out.
std::vector<SchemaRule> LearnSchemas(const ModeData& data, const TraceBits& fails, bool outputs) {
  std::vector<const JsonShape*> objects;
  std::map<std::string, std::vector<const JsonShape*>> calls;
  for (size_t c = 0; c < data.calibration.size(); ++c) {
    if (GetBit(fails, c)) continue;
    const SearchFacts& facts = *data.items[data.calibration[c]].facts;
    if (facts.has_output && facts.output_json.object) objects.push_back(&facts.output_json);
    for (const ToolArguments& call : facts.tool_arguments) {
      if (call.arguments.object) calls[call.tool].push_back(&call.arguments);
    }
  }
  std::vector<SchemaRule> rules;
  SchemaRule output{true, NearlyAllHold(objects), {}};
  if (outputs && !output.required.empty()) rules.push_back(std::move(output));
  SchemaRule arguments{false, {}, {}};
  for (const auto& [tool, shapes] : calls) {
    std::vector<SchemaField> fields = NearlyAllHold(shapes);
    if (!fields.empty()) arguments.tools[tool] = std::move(fields);
  }
  if (!arguments.tools.empty()) rules.push_back(std::move(arguments));
  return rules;
}

TraceBits RuleBits(const ModeData& data, const SchemaRule& rule) {
  TraceBits bits(BitWords(data.calibration.size()), 0);
  for (size_t c = 0; c < data.calibration.size(); ++c) {
    if (rule.Fails(*data.items[data.calibration[c]].facts)) SetBit(bits, c);
  }
  return bits;
}

// `{type: object, required: [...], properties: {...}}` (the last two when `fields` has any).
std::string ObjectSchema(const std::vector<SchemaField>& fields) {
  std::string required, properties;
  for (const auto& [key, type] : fields) {
    required += (required.empty() ? "" : ", ") + Quoted(key);
    if (!type.empty()) {
      properties +=
          (properties.empty() ? "" : ", ") + Quoted(key) + ": {type: " + Quoted(type) + "}";
    }
  }
  std::string schema = "{type: object";
  if (!required.empty()) schema += ", required: [" + required + "]";
  if (!properties.empty()) schema += ", properties: {" + properties + "}";
  return schema + "}";
}

// "answer (string), sources (array)".
std::string FieldNames(const std::vector<SchemaField>& fields) {
  std::string text;
  for (const auto& [key, type] : fields) {
    text += (text.empty() ? "" : ", ") + key + (type.empty() ? "" : " (" + type + ")");
  }
  return text;
}

DraftCandidate SchemaCandidate(const SchemaRule& rule) {
  DraftCandidate c;
  c.kind = "json_schema";
  if (rule.output) {
    c.target = "output";
    c.params_yaml = "schema: " + ObjectSchema(rule.required) + "\nallow_code_fence: true\n";
    c.summary = rule.required.empty() ? "output is an object"
                                      : "output requires " + FieldNames(rule.required);
    c.description = "The output is a JSON object (a code fence around it is tolerated)";
    if (!rule.required.empty()) {
      c.description +=
          " with the fields nearly every passing output has: " + FieldNames(rule.required);
    }
    c.description += ".";
    return c;
  }
  c.target = "tool_calls";
  c.params_yaml = "schemas:\n";
  bool learned = false;
  std::string pairs;
  for (const auto& [tool, fields] : rule.tools) {
    learned = learned || !fields.empty();
    c.params_yaml += "  " + Quoted(tool) + ": " + ObjectSchema(fields) + "\n";
    pairs += (pairs.empty() ? "" : "; ") + tool + (fields.empty() ? "" : ": " + FieldNames(fields));
  }
  if (learned) {
    c.summary = "arguments require (" + pairs + ")";
    c.description =
        "Each tool call's arguments are a JSON object with the fields nearly every "
        "passing call of that tool has (" +
        pairs + ").";
  } else {
    c.summary = "arguments are objects (" + Plural(rule.tools.size(), "tool") + ")";
    c.description = "Every tool call's arguments are a JSON object.";
  }
  return c;
}

// `json_schema`: the output is a JSON object (searched when at least two of the mode's outputs
// are), or every tool call's arguments are (when some are not), fixed; and the fields nearly
// every passing output or tool call has, learned from the calibration labels and learned again
// on each shuffle.
Family JsonSchemaFamily(const ModeData& data) {
  Family family;
  family.result.kind = "json_schema";
  size_t objects = 0;
  bool bad_arguments = false;
  SchemaRule every_call{false, {}, {}};
  for (const Item& item : data.items) {
    objects += item.facts->has_output && item.facts->output_json.object;
    for (const ToolArguments& call : item.facts->tool_arguments) {
      every_call.tools[call.tool];
      bad_arguments = bad_arguments || !call.arguments.object;
    }
  }
  const bool outputs = objects >= 2;
  if (!outputs && every_call.tools.empty()) return family;
  std::vector<SchemaRule> fixed;
  if (outputs) fixed.push_back({true, {}, {}});
  if (bad_arguments) fixed.push_back(std::move(every_call));
  std::vector<TraceBits> fixed_bits;
  for (const SchemaRule& rule : fixed) fixed_bits.push_back(RuleBits(data, rule));
  const size_t n = data.calibration.size();
  auto mcc_of = [&](const TraceBits& bits, const TraceBits& fails) {
    return MccOf(n, data.calibration_fails, CountBits(bits), CountCommon(bits, fails));
  };
  auto best_of = [&](const TraceBits& fails) {
    double best = 0.0;
    for (const TraceBits& bits : fixed_bits) best = std::max(best, mcc_of(bits, fails));
    for (const SchemaRule& rule : LearnSchemas(data, fails, outputs)) {
      best = std::max(best, mcc_of(RuleBits(data, rule), fails));
    }
    return best;
  };
  TraceBits labels = LabelBits(data);
  std::vector<SchemaRule> rules = fixed;
  for (SchemaRule& rule : LearnSchemas(data, labels, outputs)) rules.push_back(std::move(rule));
  family.result.searched = rules.size();
  if (rules.empty()) return family;
  std::vector<double> shuffled;
  for (const TraceBits& shuffle : data.shuffles) shuffled.push_back(best_of(shuffle));
  family.result.p_value = PermutationP(best_of(labels), shuffled);
  for (const SchemaRule& rule : rules) {
    DraftCandidate c = SchemaCandidate(rule);
    c.fit = mcc_of(RuleBits(data, rule), labels);
    family.candidates.push_back(std::move(c));
  }
  return family;
}

// --- One failure mode ------------------------------------------------------------------------

std::vector<TraceBits> Shuffles(const std::vector<bool>& labels, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<bool> order = labels;
  std::vector<TraceBits> shuffles;
  for (int s = 0; s < count; ++s) {
    // Fisher-Yates with the index taken modulo (no standard distribution: the same on every
    // platform).
    for (size_t i = order.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(rng() % i);
      bool a = order[i - 1];
      order[i - 1] = order[j];
      order[j] = a;
    }
    TraceBits bits(BitWords(order.size()), 0);
    for (size_t i = 0; i < order.size(); ++i) {
      if (order[i]) SetBit(bits, i);
    }
    shuffles.push_back(std::move(bits));
  }
  return shuffles;
}

// The calibration split of `data.items` (their order kept).
void SplitItems(ModeData& data) {
  for (size_t i = 0; i < data.items.size(); ++i) {
    if (data.items[i].held_out) continue;
    data.calibration.push_back(i);
    data.calibration_fail.push_back(data.items[i].fail);
    data.calibration_fails += data.items[i].fail;
  }
}

// Empty when both splits hold both classes (two of each on the calibration split), else why not.
std::string SplitShortage(const ModeData& data) {
  size_t held_fails = 0, held = 0;
  for (const Item& item : data.items) {
    held += item.held_out;
    held_fails += item.held_out && item.fail;
  }
  const size_t calibration = data.calibration.size();
  if (data.calibration_fails >= 2 && calibration - data.calibration_fails >= 2 && held_fails > 0 &&
      held_fails < held) {
    return std::string();
  }
  return "calibration " + std::to_string(data.calibration_fails) + " fail / " +
         std::to_string(calibration - data.calibration_fails) + " pass, held-out " +
         std::to_string(held_fails) + " fail / " + std::to_string(held - held_fails) + " pass";
}

// Every kind's search on `data`.
Result<std::vector<Family>> SearchFamilies(const ModeData& data, const std::string& mode,
                                           const PluginRegistry& registry,
                                           const SearchOptions& options) {
  std::vector<Family> families;
  families.push_back(PhraseFamily(data, false, options));
  families.push_back(PhraseFamily(data, true, options));
  families.push_back(LengthFamily(data, options));
  ARBITER_ASSIGN_OR_RETURN(Family citations, CitationsFamily(data, mode, registry));
  families.push_back(std::move(citations));
  ARBITER_ASSIGN_OR_RETURN(Family tools, ToolCallsFamily(data, mode, registry));
  families.push_back(std::move(tools));
  families.push_back(JsonSchemaFamily(data));
  return families;
}

// Judges every candidate of `family` with its plugin, picks the kind's candidate by calibration
// MCC and says whether it is written. Returns the pick's index, or -1.
Result<int> JudgeFamily(Family& family, const ModeData& data, const std::string& mode,
                        const PluginRegistry& registry, const SearchOptions& options) {
  int chosen = -1;
  for (size_t i = 0; i < family.candidates.size(); ++i) {
    DraftCandidate& c = family.candidates[i];
    ARBITER_ASSIGN_OR_RETURN(Judged judged, JudgeCandidate(c, mode, registry, data));
    c.figures = FiguresOf(judged, data, options.seed);
    if (chosen < 0 || c.figures.calibration_mcc >
                          family.candidates[static_cast<size_t>(chosen)].figures.calibration_mcc) {
      chosen = static_cast<int>(i);
    }
  }
  if (chosen < 0) return chosen;
  DraftCandidate& pick = family.candidates[static_cast<size_t>(chosen)];
  pick.chosen = true;
  const SplitFigures& f = pick.figures;
  char text[160];
  if (family.result.p_value > options.family_alpha) {
    std::snprintf(text, sizeof text,
                  "not written: the %s search does no better than on shuffled labels "
                  "(p = %.3f > %.2f)",
                  family.result.kind.c_str(), family.result.p_value, options.family_alpha);
  } else if (f.held_out_mcc < options.signal_mcc) {
    std::snprintf(text, sizeof text, "not written: held-out MCC %.2f < signal_mcc %.2f",
                  f.held_out_mcc, options.signal_mcc);
  } else if (f.held_out_p > options.held_out_alpha) {
    std::snprintf(text, sizeof text,
                  "not written: the held-out agreement could be chance (p = %.3f > %.2f)",
                  f.held_out_p, options.held_out_alpha);
  } else {
    pick.written = true;
    std::snprintf(text, sizeof text, "written");
  }
  pick.verdict = text;
  return chosen;
}

// A metadata value a `when:` condition can name without escapes.
bool PlainValue(const std::string& value) {
  if (value.empty() || value.size() > 64) return false;
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == ' ' || c == ':' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// Where the calibration failures concentrate: a value of a metadata string (an intent, a
// language) that at least 90% of them have, with at least two passing traces inside it and a
// fifth of the calibration traces (two at least) outside. The one holding the most failures,
// then the smallest; nullopt when none.
struct Slice {
  std::string target, value;
  size_t fails = 0, traces = 0;  // calibration failures and traces inside it
};

// The `when:` condition of a slice.
std::string SliceCondition(const std::string& target, const std::string& value) {
  return target + " == '" + value + "'";
}

std::optional<Slice> FailureSlice(const ModeData& data) {
  const size_t n = data.calibration.size();
  std::optional<Slice> best;
  for (const std::string& target : TextTargets(data)) {
    if (target.rfind("metadata.", 0) != 0) continue;
    std::map<std::string, std::pair<size_t, size_t>> values;  // value -> traces, failures
    for (size_t c = 0; c < n; ++c) {
      const auto& texts = data.items[data.calibration[c]].facts->texts;
      auto it = texts.find(target);
      if (it == texts.end()) continue;
      auto& [traces, fails] = values[it->second];
      ++traces;
      fails += data.calibration_fail[c];
    }
    for (const auto& [value, counts] : values) {
      const auto& [traces, fails] = counts;
      if (10 * fails < 9 * data.calibration_fails || traces - fails < 2 || 5 * (n - traces) < n ||
          n - traces < 2 || !PlainValue(value) ||
          !Condition::Parse(SliceCondition(target, value)).ok()) {
        continue;
      }
      if (!best || fails > best->fails || (fails == best->fails && traces < best->traces)) {
        best = Slice{target, value, fails, traces};
      }
    }
  }
  return best;
}

// The families searched again on the traces of `slice`, their candidates restricted to it.
// None when the slice's splits lack a class.
Result<std::vector<Family>> SearchSlice(const ModeData& data, const Slice& slice,
                                        const std::string& mode, const PluginRegistry& registry,
                                        const SearchOptions& options) {
  ModeData sliced;
  for (const Item& item : data.items) {
    auto it = item.facts->texts.find(slice.target);
    if (it != item.facts->texts.end() && it->second == slice.value) sliced.items.push_back(item);
  }
  SplitItems(sliced);
  if (!SplitShortage(sliced).empty()) return std::vector<Family>();
  const std::string when = SliceCondition(slice.target, slice.value);
  sliced.shuffles = Shuffles(sliced.calibration_fail, options.permutations,
                             options.seed ^ Hash64(mode + "\n" + when));
  ARBITER_ASSIGN_OR_RETURN(std::vector<Family> families,
                           SearchFamilies(sliced, mode, registry, options));
  for (Family& family : families) {
    family.result.when = when;
    for (DraftCandidate& c : family.candidates) c.when = when;
    if (family.result.searched == 0) continue;
    ARBITER_RETURN_IF_ERROR(JudgeFamily(family, sliced, mode, registry, options).status());
  }
  return families;
}

Result<ModeResult> SearchMode(const std::string& mode, const ConsensusSet& labels,
                              const std::map<std::string, size_t>& index,
                              const std::vector<LabeledTrace>& traces,
                              const std::vector<SearchFacts>& facts, const PluginRegistry& registry,
                              const Suite* suite, const SearchOptions& options) {
  ModeResult result;
  result.failure_mode = mode;
  if (!labels.labels.empty() && labels.labels.front().graded) {
    result.skipped = "graded labels: generate drafts pass/fail evaluators only";
    return result;
  }
  ModeData data;
  for (const ConsensusLabel& label : labels.labels) {
    auto it = index.find(label.trace_id);
    if (it == index.end()) {
      ++result.missing;
      continue;
    }
    data.items.push_back(
        {&traces[it->second], &facts[it->second], label.fail, IsHeldOut(label.trace_id)});
    ++(label.fail ? result.fails : result.passes);
  }
  SplitItems(data);
  result.calibration = data.calibration.size();
  result.calibration_fails = data.calibration_fails;
  result.held_out = data.items.size() - data.calibration.size();
  const size_t need = static_cast<size_t>(options.min_per_class);
  if (result.fails < need || result.passes < need) {
    result.skipped = Plural(result.fails, "failing label") + " and " +
                     Plural(result.passes, "passing label") + " with their traces; needs " +
                     std::to_string(need) + " of each";
    return result;
  }
  std::string shortage = SplitShortage(data);
  if (!shortage.empty()) {
    result.skipped = "the split leaves too few of a class: " + shortage;
    return result;
  }
  data.shuffles =
      Shuffles(data.calibration_fail, options.permutations, options.seed ^ Hash64(mode));

  ARBITER_ASSIGN_OR_RETURN(std::vector<Family> families,
                           SearchFamilies(data, mode, registry, options));
  std::map<std::string, int> picks;  // kind -> its pick over all traces
  for (Family& family : families) {
    if (family.result.searched == 0) continue;
    ARBITER_ASSIGN_OR_RETURN(picks[family.result.kind],
                             JudgeFamily(family, data, mode, registry, options));
  }
  if (std::optional<Slice> slice = FailureSlice(data)) {
    ARBITER_ASSIGN_OR_RETURN(std::vector<Family> sliced,
                             SearchSlice(data, *slice, mode, registry, options));
    if (!sliced.empty()) {
      result.slice = sliced.front().result.when;
      result.slice_fails = slice->fails;
      result.slice_traces = slice->traces;
    }
    for (Family& restricted : sliced) {
      DraftCandidate* r = nullptr;
      for (DraftCandidate& c : restricted.candidates) r = c.chosen ? &c : r;
      if (!r || !r->written) continue;
      DraftCandidate* u = nullptr;
      for (Family& family : families) {
        auto pick = picks.find(family.result.kind);
        if (family.result.kind == restricted.result.kind && pick != picks.end() &&
            pick->second >= 0) {
          u = &family.candidates[static_cast<size_t>(pick->second)];
        }
      }
      // The restricted draft is kept when it agrees better on the held-out labels.
      if (u && u->written && u->figures.held_out_mcc >= r->figures.held_out_mcc) {
        r->written = false;
        r->verdict = "not written: the draft over every trace agrees as well on held-out labels";
      } else if (u && u->written) {
        u->written = false;
        u->verdict =
            "not written: restricted to " + r->when + ", the kind agrees better on held-out labels";
      }
    }
    for (Family& family : sliced) families.push_back(std::move(family));
  }
  for (Family& family : families) {
    if (family.result.searched == 0) continue;
    result.families.push_back(family.result);
    for (DraftCandidate& c : family.candidates) result.candidates.push_back(std::move(c));
  }
  std::stable_sort(result.candidates.begin(), result.candidates.end(),
                   [](const DraftCandidate& a, const DraftCandidate& b) {
                     if (a.figures.held_out_mcc != b.figures.held_out_mcc) {
                       return a.figures.held_out_mcc > b.figures.held_out_mcc;
                     }
                     return a.figures.calibration_mcc > b.figures.calibration_mcc;
                   });
  if (suite) {
    for (const LoadedEvaluator& e : suite->evaluators) {
      // A judge is not called here: generate spends no tokens.
      if (e.spec.failure_mode != mode || !e.skipped.empty() || e.spec.plugin == "llm_judge") {
        continue;
      }
      ARBITER_RETURN_IF_ERROR(e.evaluator->PrepareWorkers(1));
      ARBITER_ASSIGN_OR_RETURN(Judged judged,
                               JudgeWith(*e.evaluator, e.spec.pass_threshold, e.when, data));
      result.existing.push_back({e.spec.id, e.spec.version, FiguresOf(judged, data, options.seed)});
    }
  }
  return result;
}

}  // namespace

Result<SplitFigures> HeldOutFigures(const LoadedEvaluator& evaluator, const ConsensusSet& labels,
                                    const std::vector<LabeledTrace>& traces, uint64_t seed) {
  std::map<std::string, const LabeledTrace*> by_id;
  for (const LabeledTrace& trace : traces) by_id.emplace(trace.id, &trace);
  ModeData data;
  for (const ConsensusLabel& label : labels.labels) {
    auto it = by_id.find(label.trace_id);
    if (label.graded || !IsHeldOut(label.trace_id) || it == by_id.end()) continue;
    data.items.push_back({it->second, nullptr, label.fail, true});
  }
  ARBITER_RETURN_IF_ERROR(evaluator.evaluator->PrepareWorkers(1));
  ARBITER_RETURN_IF_ERROR(evaluator.evaluator->PrepareRun(RunSettings{}));
  ARBITER_ASSIGN_OR_RETURN(
      Judged judged,
      JudgeWith(*evaluator.evaluator, evaluator.spec.pass_threshold, evaluator.when, data));
  return FiguresOf(judged, data, seed);
}

double FisherOneSided(uint64_t n, uint64_t fails, uint64_t predicted, uint64_t tp) {
  auto log_choose = [](double a, double b) {
    return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1);
  };
  uint64_t top = std::min(fails, predicted);
  if (tp > top) return 0.0;
  double total = log_choose(static_cast<double>(n), static_cast<double>(predicted));
  double p = 0.0;
  for (uint64_t x = tp; x <= top; ++x) {
    if (predicted - x > n - fails) continue;
    p += std::exp(log_choose(static_cast<double>(fails), static_cast<double>(x)) +
                  log_choose(static_cast<double>(n - fails), static_cast<double>(predicted - x)) -
                  total);
  }
  return std::min(1.0, p);
}

Result<std::vector<ModeResult>> SearchDrafts(const std::map<std::string, ConsensusSet>& consensus,
                                             const std::vector<LabeledTrace>& traces,
                                             const PluginRegistry& registry, const Suite* suite,
                                             const SearchOptions& options) {
  std::map<std::string, size_t> index;
  std::vector<SearchFacts> facts;
  facts.reserve(traces.size());
  for (size_t i = 0; i < traces.size(); ++i) {
    index.emplace(traces[i].id, i);
    facts.push_back(ReadSearchFacts(traces[i].json));
  }
  std::vector<ModeResult> modes;
  for (const auto& [mode, labels] : consensus) {
    if (!options.only_mode.empty() && mode != options.only_mode) continue;
    ARBITER_ASSIGN_OR_RETURN(ModeResult result, SearchMode(mode, labels, index, traces, facts,
                                                           registry, suite, options));
    modes.push_back(std::move(result));
  }
  return modes;
}

}  // namespace arbiter
