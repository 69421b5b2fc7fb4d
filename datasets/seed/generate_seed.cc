// arbiter-gen-seed: the seed scenario's data, derived deterministically from the demo dataset
// (datasets/demo/traces.jsonl and its ground truth truth.jsonl):
//   candidate-swap.jsonl.gz   a model swap: the same requests answered by a new model that
//                             invents a citation in about one answer in seven
//   candidate-fixed.jsonl.gz  the swap with a prompt fix: nearly all inventions gone
//   labels-ana.csv            one reviewer's labels, 14-24 per failure mode, from the truth
//                             with the disagreements real reviewers have
//   labels-ben.csv            a second reviewer on the citation slice
// The baseline is datasets/demo/traces.jsonl itself. See datasets/seed/README.md.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <zlib.h>
#include <nlohmann/json.hpp>

namespace {

using Json = nlohmann::ordered_json;

// A stable, portable, well-mixed order for "random" picks: FNV-1a, then the splitmix64
// finalizer. Frozen: the bundled files were generated with it, and the tests pin figures of
// those files, so another hash (even runner/base/hash.h) would regenerate other data.
uint64_t Hash(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ULL;
  hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebULL;
  return hash ^ (hash >> 31);
}

struct Demo {
  std::vector<Json> traces;
  std::map<std::string, std::set<std::string>> injected;  // trace id -> failure modes
};

bool ReadDemo(const std::string& folder, Demo& demo) {
  std::ifstream traces(folder + "/traces.jsonl"), truth(folder + "/truth.jsonl");
  if (!traces || !truth) return false;
  std::string line;
  while (std::getline(traces, line)) demo.traces.push_back(Json::parse(line));
  while (std::getline(truth, line)) {
    Json row = Json::parse(line);
    auto& modes = demo.injected[row["trace_id"].get<std::string>()];
    for (const auto& mode : row["injected"]) modes.insert(mode.get<std::string>());
  }
  return true;
}

bool WriteGzip(const std::string& path, const std::string& text) {
  gzFile out = gzopen(path.c_str(), "wb9");
  if (!out) return false;
  bool ok = gzwrite(out, text.data(), static_cast<unsigned>(text.size())) ==
            static_cast<int>(text.size());
  return gzclose(out) == Z_OK && ok;
}

const std::regex kCitation(R"(\[(doc\d+|KB-\d+)\])");

// A cited id no trace retrieves: [doc9] (demo traces retrieve at most 4) or a KB id past them.
std::string Invent(const std::string& output) {
  std::smatch match;
  if (!std::regex_search(output, match, kCitation)) return output;
  std::string id = match[1].str();
  std::string invented = id.rfind("doc", 0) == 0 ? "[doc9]" : "[KB-9917]";
  return match.prefix().str() + invented + match.suffix().str();
}

std::string Candidates(const Demo& demo, const std::string& out_dir) {
  // Text answers that cite and are grounded in the baseline: the swap's inventions land here.
  std::vector<std::string> eligible;
  for (const Json& t : demo.traces) {
    std::string id = t["trace_id"];
    if (t.value("status", "") != "ok" || t["metadata"].value("response_format", "") != "text")
      continue;
    if (demo.injected.at(id).count("invented-citation") || demo.injected.at(id).count("refusal"))
      continue;
    if (!std::regex_search(t["output"].get<std::string>(), kCitation)) continue;
    eligible.push_back(id);
  }
  std::sort(eligible.begin(), eligible.end(), [](const std::string& a, const std::string& b) {
    return Hash("swap" + a) < Hash("swap" + b);
  });
  // 137 of the 981 answered traces: citation grounding falls by 14 points.
  const size_t swap_count = 137, still_broken_after_fix = 6;
  std::set<std::string> swapped(eligible.begin(), eligible.begin() + swap_count);
  std::set<std::string> unfixed(eligible.begin(), eligible.begin() + still_broken_after_fix);

  std::string swap, fixed;
  for (Json t : demo.traces) {
    std::string id = t["trace_id"];
    t["model"] = "nova-large-2";
    Json fixed_trace = t;
    fixed_trace["prompt_version"] = "v14";
    if (swapped.count(id)) {
      t["output"] = Invent(t["output"].get<std::string>());
      if (unfixed.count(id)) fixed_trace["output"] = t["output"];
    }
    swap += t.dump() + "\n";
    fixed += fixed_trace.dump() + "\n";
  }
  if (!WriteGzip(out_dir + "/candidate-swap.jsonl.gz", swap) ||
      !WriteGzip(out_dir + "/candidate-fixed.jsonl.gz", fixed)) {
    return "cannot write the candidates";
  }
  return "";
}

// How one reviewer labels a failure mode: how many traces of each class, how many of each the
// reviewer gets "wrong" against the generator's truth, and the note written on those.
struct ModePlan {
  const char* mode;
  int fails, passes, missed_fails, false_alarms;
  const char* note;
};

// The disagreements are the kind reviewers have: an invented KB id that looks plausible, a
// summary line that is there but not where the rubric wants it, a tool failure the reviewer
// thought was acknowledged "enough". overlength-no-summary lands at MCC 0.5 (signal),
// tool-error-unacknowledged at 0.2 (revise), answer-too-long has too few failures to calibrate.
const ModePlan kAna[] = {
    {"invented-citation", 11, 11, 1, 0, "KB id looked plausible; did not check retrieval"},
    {"wrong-tool", 10, 10, 0, 1, "helper lookup first; counted it as the wrong tool"},
    {"overlength-no-summary", 12, 12, 3, 3, "summary is implied by the first paragraph"},
    {"invalid-json", 8, 10, 0, 0, ""},
    {"pii-leak", 12, 12, 1, 0, "address is the customer's own; not a leak to me"},
    {"refusal", 10, 10, 0, 0, ""},
    {"tool-argument-error", 12, 12, 1, 1, "argument types look fine in the UI"},
    {"repeated-tool-call", 10, 10, 0, 0, ""},
    {"tool-error-unacknowledged", 10, 10, 4, 4, "the apology covers the failed call"},
    {"answer-too-long", 4, 10, 0, 0, ""},
};
const ModePlan kBen[] = {
    {"invented-citation", 11, 11, 0, 2, "citation format looks off"},
};

bool Eligible(const Json& t, const std::string& mode) {
  if (t.value("status", "") != "ok") return false;  // no answer: every evaluator errors
  if (mode == "invalid-json") return t["metadata"].value("response_format", "") == "json";
  return true;
}

std::string LabelCsv(const Demo& demo, const ModePlan* plans, size_t count,
                     const std::string& reviewer, const std::string& day) {
  std::string csv = "trace_id,failure_mode,label,reviewer,labeled_at,note\n";
  for (size_t p = 0; p < count; ++p) {
    const ModePlan& plan = plans[p];
    std::vector<const Json*> order;
    for (const Json& t : demo.traces) {
      if (Eligible(t, plan.mode)) order.push_back(&t);
    }
    // Both reviewers see the same traces of a mode: the order depends on the mode only.
    std::sort(order.begin(), order.end(), [&](const Json* a, const Json* b) {
      return Hash(std::string(plan.mode) + a->at("trace_id").get<std::string>()) <
             Hash(std::string(plan.mode) + b->at("trace_id").get<std::string>());
    });
    int fails = 0, passes = 0, minute = 0;
    std::vector<std::pair<std::string, std::string>> rows;  // trace id -> row
    for (const Json* t : order) {
      std::string id = t->at("trace_id");
      bool fail = demo.injected.at(id).count(plan.mode) > 0;
      int& taken = fail ? fails : passes;
      int wrong = fail ? plan.missed_fails : plan.false_alarms;
      if (taken >= (fail ? plan.fails : plan.passes)) continue;
      // Reviewer disagreements fall on the last traces of each class so the two reviewers'
      // mistakes differ.
      int wrong_from = (fail ? plan.fails : plan.passes) - wrong;
      bool flipped = reviewer == "ben" ? taken < wrong : taken >= wrong_from;
      ++taken;
      bool says_fail = flipped ? !fail : fail;
      char time[32];
      std::snprintf(time, sizeof time, "%sT%02d:%02d:00Z", day.c_str(), 9 + minute / 60,
                    minute % 60);
      minute += 3;
      rows.emplace_back(id, id + "," + plan.mode + "," + (says_fail ? "fail" : "pass") + "," +
                                reviewer + "," + time + "," +
                                (flipped ? "\"" + std::string(plan.note) + "\"" : ""));
    }
    std::sort(rows.begin(), rows.end());
    for (const auto& [id, row] : rows) csv += row + "\n";
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  std::string demo_dir = argc > 1 ? argv[1] : "datasets/demo";
  std::string out_dir = argc > 2 ? argv[2] : "datasets/seed";
  Demo demo;
  if (!ReadDemo(demo_dir, demo)) {
    std::fprintf(stderr, "arbiter-gen-seed: cannot read %s/traces.jsonl and truth.jsonl\n",
                 demo_dir.c_str());
    return 2;
  }
  std::string error = Candidates(demo, out_dir);
  if (!error.empty()) {
    std::fprintf(stderr, "arbiter-gen-seed: %s\n", error.c_str());
    return 3;
  }
  std::ofstream(out_dir + "/labels-ana.csv", std::ios::binary)
      << LabelCsv(demo, kAna, std::size(kAna), "ana", "2026-11-20");
  std::ofstream(out_dir + "/labels-ben.csv", std::ios::binary)
      << LabelCsv(demo, kBen, std::size(kBen), "ben", "2026-11-21");
  std::printf(
      "wrote %s/candidate-swap.jsonl.gz, candidate-fixed.jsonl.gz, labels-ana.csv, "
      "labels-ben.csv\n",
      out_dir.c_str());
  return 0;
}
