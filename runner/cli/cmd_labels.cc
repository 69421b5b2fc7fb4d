// `arbiter labels import|list|verify|diff|agreement`: versioned, immutable human label sets
// (SPEC "Label set") under --root (default datasets/labels).
#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "runner/annotate/draft.h"
#include "runner/annotate/label_quality.h"
#include "runner/annotate/trace_queue.h"
#include "runner/base/path_checks.h"
#include "runner/base/report_text.h"
#include "runner/cli/cli.h"
#include "runner/cli/json_output.h"
#include "runner/cli/suite_failure_modes.h"
#include "runner/labels/label_compare.h"
#include "runner/labels/label_store.h"

namespace arbiter {
namespace {

struct LabelsFlags {
  std::string root = kDefaultLabelRoot;
  // import
  std::string name, from, reviewer, created_at;
  bool fresh = false;
  std::vector<std::string> rubric_versions;  // MODE=VERSION
  std::string suite;                         // failure modes a label may name
  std::vector<std::string> traces;           // trace ids a label may name
  bool allow_new_failure_mode = false;
  // verify, diff, agreement
  std::vector<std::string> refs;
  bool json = false;  // list, verify, diff, agreement: one JSON document on stdout
};

using Json = nlohmann::ordered_json;

// A label row as labels.jsonl holds it.
Json LabelJson(const Label& l) {
  Json row = {{"trace_id", l.trace_id},
              {"failure_mode", l.failure_mode},
              {"label", l.label},
              {"reviewer", l.reviewer},
              {"labeled_at", l.labeled_at}};
  if (!l.note.empty()) row["note"] = l.note;
  return row;
}

// The checks of issue 17, item 6: with --suite, each row's failure mode is one the suite
// declares or the label set already holds (and its value fits that mode's scale); with
// --traces, each row's trace is among them.
Status CheckImportQuality(const LabelsFlags& flags, const LabelStore& store,
                          const std::vector<Label>& labels) {
  LabelQualityRules rules;
  rules.allow_new_failure_mode = flags.allow_new_failure_mode;
  if (!flags.suite.empty()) {
    ARBITER_ASSIGN_OR_RETURN(std::vector<FailureModeInfo> modes, SuiteFailureModes(flags.suite));
    rules.check_modes = true;
    for (const FailureModeInfo& mode : modes) rules.modes[mode.name] = mode.scale;
    std::vector<int> versions = store.Versions(flags.name);
    if (!versions.empty()) {
      ARBITER_ASSIGN_OR_RETURN(LabelSet latest, store.Load({flags.name, versions.back()}));
      for (const Label& label : latest.labels) {
        if (!rules.modes.count(label.failure_mode)) {
          rules.modes[label.failure_mode] = ScaleOfLabels(latest.labels, label.failure_mode);
        }
      }
    }
  }
  if (!flags.traces.empty()) {
    rules.trace_ids.emplace();
    for (const std::string& file : flags.traces) {
      ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<TraceQueue> traces, TraceQueue::Open(file));
      for (size_t i = 0; i < traces->size(); ++i) rules.trace_ids->insert(traces->TraceId(i));
    }
  }
  return CheckLabelQuality(labels, rules, flags.from);
}

int Import(const LabelsFlags& flags) {
  LabelFileOptions file_options;
  file_options.default_reviewer = flags.reviewer;
  std::string now = flags.created_at.empty() ? UtcNow() : flags.created_at;
  file_options.default_labeled_at = now;
  Result<std::vector<Label>> labels = ReadLabelFile(flags.from, file_options);
  if (!labels.ok()) return Fail("labels", labels.status());
  ImportOptions options;
  options.fresh = flags.fresh;
  options.created_at = now;
  options.source = flags.from;
  for (const std::string& pair : flags.rubric_versions) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail("labels", Status::InvalidArgument("--rubric-version '" + pair +
                                                    "': expected FAILURE_MODE=VERSION"));
    }
    options.rubric_versions[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  LabelStore store(flags.root);
  Status quality = CheckImportQuality(flags, store, *labels);
  if (!quality.ok()) return Fail("labels", quality);
  bool unchanged = false;
  Result<LabelSetRef> ref = store.Import(flags.name, *labels, options, &unchanged);
  if (!ref.ok()) return Fail("labels", ref.status());
  if (unchanged) {
    std::printf("no new version: the %zu rows of %s are the labels %s already holds\n",
                labels->size(), flags.from.c_str(), ref->ToString().c_str());
    return kExitOk;
  }
  Result<LabelSet> set = store.Load(*ref);
  if (!set.ok()) return Fail("labels", set.status());
  std::printf("%s: %zu labels (%zu imported) in %s\n", ref->ToString().c_str(), set->labels.size(),
              labels->size(), set->dir.c_str());
  for (const auto& [mode, counts] : set->manifest["failure_modes"].items()) {
    std::printf("  %-28s %3d labels: %d pass, %d fail, %d graded\n", mode.c_str(),
                counts["labels"].get<int>(), counts["pass"].get<int>(), counts["fail"].get<int>(),
                counts["graded"].get<int>());
  }
  return kExitOk;
}

int List(const LabelsFlags& flags) {
  LabelStore store(flags.root);
  std::vector<std::string> names = store.Names();
  Json sets = Json::array();
  if (names.empty() && !flags.json) std::printf("no label sets under %s\n", flags.root.c_str());
  for (const std::string& name : names) {
    for (int version : store.Versions(name)) {
      LabelSetRef ref{name, version};
      Result<LabelSet> set = store.Load(ref);
      if (flags.json) {
        Json entry = {{"label_set", ref.ToString()}, {"name", name}, {"version", version}};
        if (set.ok()) {
          entry["labels"] = set->labels.size();
          entry["failure_modes"] = set->manifest["failure_modes"];
          entry["created_at"] = set->manifest.value("created_at", "");
          entry["reviewers"] = set->manifest["reviewers"];
          entry["sha256"] = set->sha256;
        } else {
          entry["error"] = set.status().message();
        }
        sets.push_back(std::move(entry));
        continue;
      }
      if (!set.ok()) {
        std::printf("%-24s CORRUPT: %s\n", ref.ToString().c_str(), set.status().message().c_str());
        continue;
      }
      std::string reviewers;
      for (const auto& r : set->manifest["reviewers"])
        reviewers += (reviewers.empty() ? "" : ",") + r.get<std::string>();
      std::printf("%-24s %4zu labels  %2zu failure modes  created %s  reviewers %s  sha256 %.12s\n",
                  ref.ToString().c_str(), set->labels.size(), set->manifest["failure_modes"].size(),
                  set->manifest.value("created_at", "").c_str(), reviewers.c_str(),
                  set->sha256.c_str());
    }
  }
  if (flags.json) PrintJsonDocument({{"root", flags.root}, {"label_sets", sets}});
  return kExitOk;
}

// NAME@vN, or NAME for every version of it, or nothing for every set.
Result<std::vector<LabelSetRef>> Expand(const LabelStore& store,
                                        const std::vector<std::string>& refs) {
  std::vector<LabelSetRef> out;
  std::vector<std::string> names = refs;
  if (names.empty()) names = store.Names();
  for (const std::string& text : names) {
    if (text.find('@') != std::string::npos) {
      ARBITER_ASSIGN_OR_RETURN(LabelSetRef ref, ParseLabelSetRef(text));
      out.push_back(ref);
      continue;
    }
    std::vector<int> versions = store.Versions(text);
    if (versions.empty()) return Status::NotFound("no label set named '" + text + "'");
    for (int version : versions) out.push_back({text, version});
  }
  return out;
}

int Verify(const LabelsFlags& flags) {
  LabelStore store(flags.root);
  Result<std::vector<LabelSetRef>> refs = Expand(store, flags.refs);
  if (!refs.ok()) return Fail("labels", refs.status());
  int bad = 0;
  Json results = Json::array();
  for (const LabelSetRef& ref : *refs) {
    Status verified = store.Verify(ref);
    // A set that is not there is a usage error (exit 2, as `labels diff` says), not a change.
    if (verified.code() == Status::Code::kNotFound) return Fail("labels", verified);
    if (!verified.ok()) ++bad;
    if (flags.json) {
      Json entry = {{"label_set", ref.ToString()}, {"ok", verified.ok()}};
      if (!verified.ok()) entry["problem"] = verified.message();
      results.push_back(std::move(entry));
      continue;
    }
    if (verified.ok()) {
      std::printf("ok       %s\n", ref.ToString().c_str());
    } else {
      std::printf("CHANGED  %s: %s\n", ref.ToString().c_str(), verified.message().c_str());
    }
  }
  if (flags.json) PrintJsonDocument({{"ok", bad == 0}, {"label_sets", results}});
  return bad ? kExitRuntime : kExitOk;
}

void PrintLabel(char sign, const Label& l) {
  std::printf("%c %s  %s  %s  %s\n", sign, l.trace_id.c_str(), l.failure_mode.c_str(),
              l.reviewer.c_str(), l.label.c_str());
}

int Diff(const LabelsFlags& flags) {
  if (flags.refs.size() != 2) {
    return Fail("labels", Status::InvalidArgument("diff takes two label sets: NAME@vA NAME@vB"));
  }
  LabelStore store(flags.root);
  std::vector<LabelSet> sets;
  for (const std::string& text : flags.refs) {
    Result<LabelSetRef> ref = ParseLabelSetRef(text);
    if (!ref.ok()) return Fail("labels", ref.status());
    Result<LabelSet> set = store.Load(*ref);
    if (!set.ok()) return Fail("labels", set.status());
    sets.push_back(std::move(*set));
  }
  LabelDiff diff = DiffLabels(sets[0].labels, sets[1].labels);
  if (flags.json) {
    Json added = Json::array(), removed = Json::array(), flipped = Json::array();
    for (const Label& l : diff.added) added.push_back(LabelJson(l));
    for (const Label& l : diff.removed) removed.push_back(LabelJson(l));
    for (const auto& [before, after] : diff.flipped) {
      Json row = LabelJson(after);
      row.erase("label");
      row["before"] = before.label;
      row["after"] = after.label;
      flipped.push_back(std::move(row));
    }
    PrintJsonDocument({{"from", sets[0].ref.ToString()},
                       {"to", sets[1].ref.ToString()},
                       {"added", added},
                       {"removed", removed},
                       {"flipped", flipped}});
    return kExitOk;
  }
  std::printf("%s -> %s: %zu added, %zu removed, %zu flipped\n", sets[0].ref.ToString().c_str(),
              sets[1].ref.ToString().c_str(), diff.added.size(), diff.removed.size(),
              diff.flipped.size());
  for (const Label& l : diff.added) PrintLabel('+', l);
  for (const Label& l : diff.removed) PrintLabel('-', l);
  for (const auto& [before, after] : diff.flipped) {
    std::printf("~ %s  %s  %s  %s -> %s\n", after.trace_id.c_str(), after.failure_mode.c_str(),
                after.reviewer.c_str(), before.label.c_str(), after.label.c_str());
  }
  return kExitOk;
}

// `labels commit NAME`: the draft that `arbiter annotate` journals becomes the next version.
int Commit(const LabelsFlags& flags) {
  const std::filesystem::path journal =
      std::filesystem::path(flags.root) / flags.name / "draft" / "journal.jsonl";
  Result<LabelSetRef> name = ParseLabelSetRef(flags.name + "@v1");
  if (!name.ok()) return Fail("labels", name.status());
  if (!PathExists(journal)) {
    std::printf("nothing to commit: %s has no draft (%s)\n", flags.name.c_str(), journal.c_str());
    return kExitOk;
  }
  Result<std::unique_ptr<Draft>> draft = Draft::Open(flags.root, flags.name);
  if (!draft.ok()) return Fail("labels", draft.status());
  LabelStore store(flags.root);
  Result<CommitOutcome> outcome = CommitDraft(store, flags.name, **draft);
  if (!outcome.ok()) return Fail("labels", outcome.status());
  if (!outcome->created) {
    std::printf("nothing to commit: the draft of %s holds no change%s\n", flags.name.c_str(),
                outcome->parent
                    ? (" to " + LabelSetRef{flags.name, *outcome->parent}.ToString()).c_str()
                    : "");
    return kExitOk;
  }
  std::printf("%s: %zu labels (parent %s) in %s\n", outcome->created->ToString().c_str(),
              outcome->labels,
              outcome->parent ? ("v" + std::to_string(*outcome->parent)).c_str() : "none",
              (std::filesystem::path(flags.root) / flags.name /
               ("v" + std::to_string(outcome->created->version)))
                  .c_str());
  return kExitOk;
}

int Agreement(const LabelsFlags& flags) {
  if (flags.refs.size() != 1) {
    return Fail("labels", Status::InvalidArgument("agreement takes one label set: NAME@vN"));
  }
  LabelStore store(flags.root);
  Result<LabelSetRef> ref = ParseLabelSetRef(flags.refs[0]);
  if (!ref.ok()) return Fail("labels", ref.status());
  Result<LabelSet> set = store.Load(*ref);
  if (!set.ok()) return Fail("labels", set.status());
  if (flags.json) {
    Json modes = Json::array();
    for (const ModeAgreement& a : ReviewerAgreement(set->labels)) {
      modes.push_back({{"failure_mode", a.failure_mode},
                       {"reviewers", a.reviewers},
                       {"traces", a.traces},
                       {"shared_traces", a.shared_traces},
                       {"kappa", NumberOrNull(a.kappa)},
                       {"alpha", NumberOrNull(a.alpha)}});
    }
    PrintJsonDocument({{"label_set", ref->ToString()}, {"failure_modes", modes}});
    return kExitOk;
  }
  std::printf("%-28s %-9s %-7s %-7s %-7s %s\n", "failure mode", "reviewers", "traces", "shared",
              "kappa", "alpha");
  for (const ModeAgreement& a : ReviewerAgreement(set->labels)) {
    std::string names;
    for (const std::string& r : a.reviewers) names += (names.empty() ? "" : ",") + r;
    std::printf("%-28s %-9zu %-7zu %-7zu %-7s %s  (%s)\n", a.failure_mode.c_str(),
                a.reviewers.size(), a.traces, a.shared_traces, FigureText(a.kappa, 2).c_str(),
                FigureText(a.alpha, 2).c_str(), names.c_str());
  }
  std::printf(
      "kappa: Cohen's, two reviewers on the traces both labeled; alpha: Krippendorff's "
      "(nominal), any number of reviewers.\n");
  return kExitOk;
}

}  // namespace

Command LabelsCommand() {
  return {"labels",
          "Import, list, verify, diff and compare versioned human label sets",
          {{"arbiter labels list", "arbiter labels verify support-seed@v1"}, kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
    auto flags = std::make_shared<LabelsFlags>();
    app.require_subcommand(1);
    auto root = [&](CLI::App* sub) {
      sub->add_option("--root", flags->root, "Label set folder")->capture_default_str();
    };
    CLI::App* import =
        app.add_subcommand("import", "Import a CSV or JSONL file as the next version");
    import->add_option("--name", flags->name, "Label set name")->required();
    import->add_option("--from", flags->from, "CSV or JSONL file")->required();
    import->add_option("--reviewer", flags->reviewer, "Reviewer of rows that name none")
        ->required();
    import->add_flag("--fresh", flags->fresh, "Do not carry over the previous version's labels");
    import->add_option("--rubric-version", flags->rubric_versions,
                       "FAILURE_MODE=VERSION of the rubric the reviewers followed");
    import
        ->add_option("--created-at", flags->created_at,
                     "Creation time to record, RFC 3339 (default: now)")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
              // The manifest's created_at is read back as a time (labels list, history).
              static const std::regex kTime(
                  R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
    if (std::regex_match(text, kTime)) return "";
    return "'" + text + "' is not an RFC 3339 time such as 2026-12-07T10:00:00Z";
            },
            "RFC3339"));
  import->add_option("-s,--suite", flags->suite,
                     "Refuse failure modes that no evaluator of this suite declares and "
                     "that the label set does not hold yet");
  import->add_option("-t,--traces", flags->traces,
                     "Refuse rows whose trace id is not in these JSONL traces");
  import->add_flag("--allow-new-failure-mode", flags->allow_new_failure_mode,
                   "Accept a failure mode that --suite does not declare");
            import->footer([] {
              return std::string(
                  "Columns (CSV header, any order; a UTF-8 byte-order mark is fine):\n"
                  "  trace_id      the trace's id (required)\n"
                  "  failure_mode  the failure mode judged, as evaluators declare it (required)\n"
                  "  label         pass, fail, or a number on the rubric's scale (required)\n"
                  "  reviewer      who judged (default: --reviewer)\n"
                  "  labeled_at    ISO 8601 UTC (default: now)\n"
                  "  note          free text\n"
                  "Example CSV:\n"
                  "  trace_id,failure_mode,label,reviewer,note\n"
                  "  t-000001,invented-citation,fail,ana,\"cites [KB-9003], not retrieved\"\n"
                  "  t-000002,invented-citation,pass,ana,\n"
                  "JSONL: one SPEC label row per line. Rows identical to the latest version's\n"
                  "make no new version.\n");
});
root(import);
CLI::App* commit =
    app.add_subcommand("commit", "Turn the draft of `arbiter annotate` into the next version");
commit->add_option("name", flags->name, "Label set name")->required();
root(commit);
auto json = [&](CLI::App* sub) {
  sub->add_flag("--json", flags->json, "Print one JSON document on stdout (docs/FORMATS.md)");
};
CLI::App* list = app.add_subcommand("list", "List label sets and versions");
root(list);
json(list);
CLI::App* verify =
    app.add_subcommand("verify", "Check that versions are unchanged (exit 3 if not)");
verify->add_option("sets", flags->refs, "NAME@vN or NAME (default: all)");
root(verify);
json(verify);
CLI::App* diff = app.add_subcommand("diff", "Labels added, removed and flipped between versions");
diff->add_option("sets", flags->refs, "NAME@vA NAME@vB")->expected(2);
root(diff);
json(diff);
CLI::App* agreement = app.add_subcommand("agreement", "Inter-reviewer agreement per failure mode");
agreement->add_option("set", flags->refs, "NAME@vN")->expected(1);
root(agreement);
json(agreement);
// Each subcommand's own examples; `labels --help` gets the Command's.
SetHelp(*import, {{"arbiter labels import --name support-seed --from "
                   "datasets/seed/labels-ana.csv --reviewer ana --root out/labels",
                   "arbiter labels import --name support-seed --from "
                   "datasets/seed/labels-ben.csv --reviewer ben --root out/labels"},
                  kCommonExitCodes});
SetHelp(*list, {{"arbiter labels list", "arbiter labels list --json --root datasets/labels"},
                kCommonExitCodes});
SetHelp(*verify, {{"arbiter labels verify", "arbiter labels verify support-seed@v1 --json"},
                  kCommonExitCodes});
SetHelp(*diff, {{"arbiter labels diff support-seed@v1 support-seed@v2",
                 "arbiter labels diff support-seed@v1 support-seed@v2 --json"},
                kCommonExitCodes});
SetHelp(*agreement, {{"arbiter labels agreement support-seed@v2",
                      "arbiter labels agreement support-seed@v2 --json"},
                     kCommonExitCodes});
SetHelp(*commit, {{"arbiter labels commit demo-review --root out/labels",
                   "arbiter labels commit support-seed"},
                  kCommonExitCodes});
return [flags, import, commit, list, verify, diff, agreement] {
  if (import->parsed()) return Import(*flags);
  if (commit->parsed()) return Commit(*flags);
  if (list->parsed()) return List(*flags);
  if (verify->parsed()) return Verify(*flags);
  if (diff->parsed()) return Diff(*flags);
  if (agreement->parsed()) return Agreement(*flags);
  return static_cast<int>(kExitUsage);
};
}
}
;
}

}  // namespace arbiter
