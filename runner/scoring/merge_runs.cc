#include "runner/scoring/merge_runs.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include "runner/base/atomic_file.h"
#include "runner/base/hash.h"
#include "runner/base/report_text.h"
#include "runner/scoring/partial_run.h"
#include "runner/scoring/scorecard.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;

std::string Name(const PartialRun& run) { return run.dir.string(); }

// Loads every run; a folder without shard.json is refused, a full run by name.
Result<std::vector<PartialRun>> LoadAll(const std::vector<fs::path>& dirs) {
  std::vector<PartialRun> runs;
  for (const fs::path& dir : dirs) {
    Result<PartialRun> run = PartialRun::Load(dir);
    if (run.ok()) {
      runs.push_back(std::move(*run));
      continue;
    }
    if (run.status().code() != Status::Code::kNotFound) return run.status();
    std::error_code ec;
    if (fs::exists(dir / "scorecard.json", ec)) {
      return Status::InvalidArgument(
          dir.string() +
          ": a full run (scorecard.json, no shard.json), which overlaps every shard; "
          "merge takes the partial runs of `arbiter run --shard I/N` only");
    }
    return Status::InvalidArgument(dir.string() + ": not a partial run (no " + kShardFile + ")");
  }
  if (runs.empty()) return Status::InvalidArgument("no runs to merge");
  return runs;
}

// The first difference between two suites, in words; "" when they are the same.
std::string SuiteDifference(const ScorecardSuite& a, const ScorecardSuite& b) {
  if (a.name != b.name) return "suite '" + a.name + "' against suite '" + b.name + "'";
  if (a.strata != b.strata) return "other strata";
  for (size_t e = 0; e < std::max(a.evaluators.size(), b.evaluators.size()); ++e) {
    if (e >= a.evaluators.size()) return "evaluator " + b.evaluators[e].id + " only in the second";
    if (e >= b.evaluators.size()) return "evaluator " + a.evaluators[e].id + " only in the first";
    const ScorecardEvaluator& x = a.evaluators[e];
    const ScorecardEvaluator& y = b.evaluators[e];
    if (x.id != y.id) return "evaluator " + x.id + " where the other has " + y.id;
    if (x.version != y.version) {
      return x.id + " version " + std::to_string(x.version) + " against " +
             std::to_string(y.version);
    }
    if (x.fingerprint != y.fingerprint || x.plugin != y.plugin || x.when != y.when) {
      return x.id + " fingerprint " + x.fingerprint.substr(0, 12) + " against " +
             y.fingerprint.substr(0, 12);
    }
    if (x.skipped != y.skipped) {
      return x.id + " skipped in one (" + (x.skipped.empty() ? y.skipped : x.skipped) +
             ") but not the other";
    }
  }
  return "";
}

// Checks that `runs` are the N shards of one run, each once; returns them by index.
Result<std::vector<const PartialRun*>> CheckSet(const std::vector<PartialRun>& runs) {
  const PartialRun& first = runs.front();
  const uint32_t count = first.shard.count;
  std::vector<const PartialRun*> by_index(count, nullptr);
  for (const PartialRun& run : runs) {
    auto refuse = [&](const std::string& why) {
      return Status::InvalidArgument("cannot merge " + Name(first) + " and " + Name(run) + ": " +
                                     why);
    };
    if (run.shard.count != count) {
      return refuse("shard " + first.shard.Text() + " and shard " + run.shard.Text() +
                    " are of different shard counts");
    }
    if (std::string why = SuiteDifference(first.suite, run.suite); !why.empty()) {
      return refuse("different suites: " + why);
    }
    if (first.SuiteFingerprint() != run.SuiteFingerprint()) {
      return refuse("different suite fingerprints");
    }
    if (std::string why = InputSetDifference(first.inputs, run.inputs); !why.empty()) {
      return refuse("different input sets: " + why);
    }
    if (first.input_hash != run.input_hash) {
      return refuse(std::string("--input-hash ") + InputHashName(first.input_hash) + " against " +
                    InputHashName(run.input_hash));
    }
    if (first.max_error_rate != run.max_error_rate) {
      return refuse("--max-error-rate " + NumberText(first.max_error_rate) + " against " +
                    NumberText(run.max_error_rate));
    }
    if (run.interrupted) {
      return Status::InvalidArgument(Name(run) + ": shard " + run.shard.Text() +
                                     " was interrupted; run it again");
    }
    const PartialRun*& slot = by_index[run.shard.index];
    if (slot) {
      return Status::InvalidArgument("overlapping shards: " + Name(*slot) + " and " + Name(run) +
                                     " are both shard " + run.shard.Text());
    }
    slot = &run;
  }
  std::string missing;
  for (uint32_t i = 0; i < count; ++i) {
    if (!by_index[i]) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(
        "incomplete set: shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") +
        missing + " of " + std::to_string(count) + " missing (" + std::to_string(runs.size()) +
        " given)");
  }
  return by_index;
}

// Copies bytes [begin, end) of `path` to `out`, checking them against the digest the run wrote
// for them: a row edited after the run, even to the same length, is refused before the merge's
// outputs are committed.
Status CopySpan(const fs::path& path, uint64_t begin, uint64_t end, const std::string& digest,
                AtomicFile& out) {
  SpanDigest copied;
  if (begin < end) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IoError(path.string() + ": cannot open: " + strerror(errno));
    std::string chunk(std::min<uint64_t>(end - begin, 4 << 20), '\0');
    Status status;
    for (uint64_t at = begin; at < end && status.ok();) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(chunk.size(), end - at));
      ssize_t n = ::pread(fd, chunk.data(), want, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        status = Status::Corruption(path.string() +
                                    ": shorter than its shard.json says (changed "
                                    "during the merge)");
        break;
      }
      const std::string_view piece(chunk.data(), static_cast<size_t>(n));
      copied.Update(piece);
      status = out.Append(piece);
      at += static_cast<uint64_t>(n);
    }
    ::close(fd);
    ARBITER_RETURN_IF_ERROR(status);
  }
  const std::string found = copied.Hex();
  if (found == digest) return Status::OK();
  return Status::Corruption(
      path.string() + ": bytes " + std::to_string(begin) + " to " + std::to_string(end) +
      " are not those the run wrote (digest " + found.substr(0, 12) + " where " + kShardFile +
      " has " + digest.substr(0, 12) + "): a row changed after the run; run that shard again");
}

// A row file whose size is not where shard.json's last part ends was cut, or a row in it edited,
// after the run: merging would copy rows across the parts' bounds, or drop some. (A row edited
// to the same length passes this and is caught by its span's digest in CopySpan.)
Status CheckRowFileSize(const PartialRun& run, const char* file, uint64_t PartialPart::*end) {
  uint64_t expected = 0;
  for (const PartialPart& part : run.parts) expected = std::max(expected, part.*end);
  const fs::path path = run.dir / file;
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) return Status::Corruption(path.string() + ": cannot read: " + ec.message());
  if (size == expected) return Status::OK();
  return Status::Corruption(path.string() + ": " + std::to_string(size) + " bytes where " +
                            kShardFile + " accounts for " + std::to_string(expected) +
                            ": it changed after the run (cut short, or a row edited); run that "
                            "shard again");
}

// A usage figure that adds across shards: a count, or a cost (`*_usd`, linear in the tokens).
// A ratio such as a multi-sample judge's flip_rate does not.
bool Adds(const UsageFigure& figure) { return figure.integer || figure.name.ends_with("_usd"); }

// The shards' usage figures added up, by evaluator and figure name, in shard order.
Result<ScorecardSuite> AddUsage(const std::vector<const PartialRun*>& shards) {
  ScorecardSuite suite = shards.front()->suite;
  for (size_t e = 0; e < suite.evaluators.size(); ++e) {
    std::vector<UsageFigure>& usage = suite.evaluators[e].usage;
    for (const UsageFigure& figure : usage) {
      if (!Adds(figure) && shards.size() > 1) {
        return Status::InvalidArgument(
            suite.evaluators[e].id + "'s usage figure " + figure.name +
            " is a ratio that shards cannot add; run this suite unsharded");
      }
    }
    for (size_t s = 1; s < shards.size(); ++s) {
      for (const UsageFigure& figure : shards[s]->suite.evaluators[e].usage) {
        auto same = std::find_if(usage.begin(), usage.end(),
                                 [&](const UsageFigure& u) { return u.name == figure.name; });
        if (same == usage.end()) {
          usage.push_back(figure);
        } else {
          same->value += figure.value;
        }
      }
    }
  }
  return suite;
}

}  // namespace

Result<MergeResult> MergeRuns(const std::vector<fs::path>& dirs, const fs::path& out) {
  ARBITER_ASSIGN_OR_RETURN(std::vector<PartialRun> runs, LoadAll(dirs));
  ARBITER_ASSIGN_OR_RETURN(std::vector<const PartialRun*> shards, CheckSet(runs));
  const PartialRun& first = *shards.front();
  const uint32_t count = first.shard.count;
  for (const PartialRun* shard : shards) {
    ARBITER_RETURN_IF_ERROR(CheckRowFileSize(*shard, "scores.jsonl", &PartialPart::rows_end));
    ARBITER_RETURN_IF_ERROR(
        CheckRowFileSize(*shard, "trace_errors.jsonl", &PartialPart::errors_end));
  }

  std::error_code ec;
  const bool made_out = !fs::exists(out, ec);
  fs::create_directories(out, ec);
  if (ec) return Status::IoError(out.string() + ": cannot create output folder: " + ec.message());
  // A merge refused from here on (a span's digest) leaves no empty folder of its own making: it
  // is removed after the uncommitted files below have removed their temporaries. A folder with
  // files in it, a merge that succeeded, is not removed (std::filesystem::remove refuses it).
  struct RemoveIfEmpty {
    const fs::path& dir;
    bool armed;
    ~RemoveIfEmpty() {
      std::error_code ignored;
      if (armed) fs::remove(dir, ignored);
    }
  } remove_if_empty{out, made_out};
  ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> scores,
                           AtomicFile::Create(out / "scores.jsonl"));
  ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> trace_errors,
                           AtomicFile::Create(out / "trace_errors.jsonl"));
  ARBITER_ASSIGN_OR_RETURN(ScorecardSuite suite, AddUsage(shards));
  ScorecardBuilder scorecard(std::move(suite), first.max_error_rate);
  scorecard.set_input_hash(first.input_hash);

  // Each shard's parts are in input order, so walking one run's order takes them front to back.
  std::vector<size_t> next(count, 0);
  for (const ShardPart& planned : PlanAllShards(first.inputs, count)) {
    const PartialRun& shard = *shards[planned.shard];
    auto corrupt = [&](const std::string& why) {
      return Status::Corruption(Name(shard) + "/" + kShardFile + ": " + why);
    };
    if (next[planned.shard] >= shard.parts.size()) {
      return corrupt("no part for input " + first.inputs[planned.input].path);
    }
    const PartialPart& part = shard.parts[next[planned.shard]++];
    bool same_range = part.range.has_value() == planned.range.has_value() &&
                      (!part.range || (part.range->begin == planned.range->begin &&
                                       part.range->end == planned.range->end));
    if (part.input != planned.input || !same_range) {
      return corrupt("its parts are not the plan of shard " + shard.shard.Text());
    }
    ARBITER_RETURN_IF_ERROR(scorecard.MergeState(part.state).WithContext(Name(shard) + ": "));
    ARBITER_RETURN_IF_ERROR(CopySpan(shard.dir / "scores.jsonl", part.rows_begin, part.rows_end,
                                     part.rows_digest, *scores));
    ARBITER_RETURN_IF_ERROR(CopySpan(shard.dir / "trace_errors.jsonl", part.errors_begin,
                                     part.errors_end, part.errors_digest, *trace_errors));
  }
  for (uint32_t s = 0; s < count; ++s) {
    if (next[s] != shards[s]->parts.size()) {
      return Status::Corruption(Name(*shards[s]) + "/" + kShardFile +
                                ": parts beyond the plan of shard " + shards[s]->shard.Text());
    }
  }
  for (size_t i = 0; i < first.inputs.size(); ++i) {
    const PartialRun& hasher = *shards[HashingShard(first.inputs, i, count)];
    if (!hasher.input_hashes[i]) {
      return Status::Corruption(Name(hasher) + "/" + kShardFile + ": no hash for input " +
                                first.inputs[i].path);
    }
    scorecard.AddInput(first.inputs[i].path, *hasher.input_hashes[i]);
  }

  nlohmann::ordered_json card = scorecard.Json();
  ARBITER_RETURN_IF_ERROR(WriteFileAtomic(out / "scorecard.json", card.dump(2) + "\n"));
  ARBITER_RETURN_IF_ERROR(WriteFileAtomic(out / "scorecard.md", scorecard.Markdown()));
  ARBITER_RETURN_IF_ERROR(WriteFileAtomic(out / "report.html", scorecard.Html()));
  ARBITER_RETURN_IF_ERROR(trace_errors->Commit());
  ARBITER_RETURN_IF_ERROR(scores->Commit());

  MergeResult result;
  result.shards = count;
  result.traces = scorecard.traces();
  result.trace_errors = scorecard.trace_errors();
  result.warnings = scorecard.Warnings();
  return result;
}

}  // namespace arbiter
