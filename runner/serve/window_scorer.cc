#include "runner/serve/window_scorer.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/scoring/run_suite.h"
#include "runner/serve/judge_budget.h"
#include "runner/source/otlp/time.h"

namespace arbiter {

namespace fs = std::filesystem;

namespace {

constexpr char kCarried[] = "carried.jsonl";  // what a judge budget left to the next window
constexpr char kTraces[] = "traces.jsonl";    // what was scored, when not the sample alone
constexpr char kBudget[] = "budget.json";     // the budget's account of the window

// The lines of `path`, blank ones left out; none when `path` is absent and may be.
Result<std::vector<std::string>> ReadLines(const fs::path& path, bool may_be_absent) {
  std::vector<std::string> lines;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (may_be_absent && !fs::exists(path)) return lines;
    return Status::IoError(path.string() + ": cannot read");
  }
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  if (in.bad()) return Status::IoError(path.string() + ": cannot read");
  return lines;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// Writes `contents` to `path` atomically, or removes `path` when there is nothing to say: a file
// from an earlier try with other settings must not outlive it.
Status WriteOrRemove(const fs::path& path, const std::optional<std::string>& contents) {
  if (contents) return WriteFileAtomic(path, *contents);
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) return Status::IoError(path.string() + ": cannot remove: " + ec.message());
  return Status::OK();
}

// The window's length from its plan's `start` and `end`: a partial window's is shorter.
Result<uint64_t> WindowLengthMs(const fs::path& plan_path) {
  std::ifstream in(plan_path);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json plan = nlohmann::json::parse(text.str(), nullptr, false);
  uint64_t start = 0, end = 0;
  if (!plan.is_object() || !plan["start"].is_string() || !plan["end"].is_string() ||
      !ParseRfc3339(plan["start"].get<std::string>(), start) ||
      !ParseRfc3339(plan["end"].get<std::string>(), end) || end < start) {
    return Status::Corruption(plan_path.string() + ": no window start and end");
  }
  return (end - start) / 1000000;
}

// Every written window of `out` (its plan exists), oldest first (names sort by time).
std::vector<std::string> WrittenWindows(const fs::path& out) {
  std::vector<std::string> names;
  std::error_code ec;
  constexpr std::string_view kPlan = ".plan.json";
  for (const fs::directory_entry& entry : fs::directory_iterator(out / "samples", ec)) {
    std::string file = entry.path().filename().string();
    if (file.ends_with(kPlan)) names.push_back(file.substr(0, file.size() - kPlan.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A window's input split by the budget, with what its account reports.
struct WindowSplit {
  WindowInput input;
  std::optional<std::string> previous;  // the window written just before
  size_t sampled = 0;                   // the window's own sample
  uint64_t length_ms = 0;
  std::optional<uint64_t> allowance;  // with a budget
};

Result<WindowSplit> SplitOf(const fs::path& out, const std::string& name, uint64_t judge_budget,
                            uint64_t calls_per_trace) {
  WindowSplit split;
  // The traces carried in are those of the window written just before this one (absent: none).
  // Not the latest window with a carried.jsonl: a window that carried nothing writes none, and
  // what an older one carried was scored by the window after it.
  std::vector<std::string> written = WrittenWindows(out);
  auto at = std::lower_bound(written.begin(), written.end(), name);
  if (at != written.begin()) split.previous = *std::prev(at);
  std::vector<std::string> carried_in;
  if (split.previous) {
    ARBITER_ASSIGN_OR_RETURN(carried_in,
                             ReadLines(out / "scores" / *split.previous / kCarried, true));
  }
  ARBITER_ASSIGN_OR_RETURN(std::vector<std::string> own,
                           ReadLines(out / "samples" / (name + ".jsonl"), false));
  split.sampled = own.size();
  if (judge_budget > 0) {
    ARBITER_ASSIGN_OR_RETURN(split.length_ms,
                             WindowLengthMs(out / "samples" / (name + ".plan.json")));
    split.allowance = WindowAllowance(judge_budget, split.length_ms);
  }
  split.input =
      SplitWindow(std::move(carried_in), std::move(own), calls_per_trace, split.allowance);
  return split;
}

// OUT/scores/W/budget.json.
std::string Account(const WindowSplit& split, uint64_t judge_budget, uint64_t calls_per_trace) {
  nlohmann::ordered_json budget;
  budget["judge_budget_per_hour"] = judge_budget;
  budget["window_ms"] = split.length_ms;
  budget["allowance_calls"] = split.allowance.value_or(0);
  budget["calls_per_trace"] = calls_per_trace;
  budget["carried_from"] = split.input.carried_in > 0 ? nlohmann::json(*split.previous) : nullptr;
  budget["carried_in"] = split.input.carried_in;
  budget["sampled"] = split.sampled;
  budget["scored"] = split.input.scored.size();
  budget["charged_calls"] = split.input.charged;
  budget["carried"] = split.input.carried.size();
  return budget.dump(2) + "\n";
}

}  // namespace

WindowScorer::WindowScorer(const Suite& suite, fs::path out, WindowScoring scoring,
                           ServeMetrics* metrics, std::FILE* log)
    : suite_(suite),
      out_(std::move(out)),
      scoring_(std::move(scoring)),
      calls_per_trace_(JudgeCallsPerTrace(suite)),
      metrics_(metrics),
      log_(log) {}

WindowScorer::~WindowScorer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> WindowScorer::Pending() const {
  std::vector<std::string> names = WrittenWindows(out_);
  std::erase_if(names, [this](const std::string& name) {
    return fs::exists(out_ / "scores" / name / "scores.jsonl");
  });
  return names;
}

Status WindowScorer::Score(const std::string& name) {
  ARBITER_ASSIGN_OR_RETURN(WindowSplit split,
                           SplitOf(out_, name, scoring_.judge_budget, calls_per_trace_));
  const WindowInput& input = split.input;
  // The sample whole and alone is scored from its own file, as `arbiter run` scores it; any other
  // input is written to traces.jsonl, which the scorecard's inputs then name. The split is written
  // before the scores, which commit the window: a rescore makes the same one.
  const fs::path folder = out_ / "scores" / name;
  const bool whole_sample = input.carried_in == 0 && input.carried.empty();
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Status::IoError(folder.string() + ": cannot create: " + ec.message());
  ARBITER_RETURN_IF_ERROR(WriteOrRemove(
      folder / kTraces, whole_sample ? std::nullopt : std::optional(Joined(input.scored))));
  ARBITER_RETURN_IF_ERROR(
      WriteOrRemove(folder / kCarried,
                    input.carried.empty() ? std::nullopt : std::optional(Joined(input.carried))));
  ARBITER_RETURN_IF_ERROR(WriteOrRemove(
      folder / kBudget, split.allowance
                            ? std::optional(Account(split, scoring_.judge_budget, calls_per_trace_))
                            : std::nullopt));

  RunSuiteOptions options;
  options.traces = {whole_sample ? (out_ / "samples" / (name + ".jsonl")).string()
                                 : (folder / kTraces).string()};
  options.out = folder;
  // One worker: a window's sample is small, and the receiver's threads share the machine.
  options.threads = 1;
  options.cache_dir = scoring_.cache_dir;
  ARBITER_ASSIGN_OR_RETURN(RunSuiteResult run, RunSuite(suite_, options));
  if (metrics_ != nullptr) {
    metrics_->traces_carried += input.carried.size();
    metrics_->scoring_backlog = input.carried.size();
  }
  if (split.allowance) {
    std::fprintf(log_,
                 "arbiter serve: scored window %s: %llu traces scored (%zu carried in), %zu "
                 "carried to the next window (--judge-budget: %llu of %llu judge calls), %zu "
                 "warnings, in %s\n",
                 name.c_str(), static_cast<unsigned long long>(run.traces), input.carried_in,
                 input.carried.size(), static_cast<unsigned long long>(input.charged),
                 static_cast<unsigned long long>(*split.allowance), run.warnings.size(),
                 options.out.c_str());
  } else {
    std::fprintf(log_, "arbiter serve: scored window %s: %llu traces, %zu warnings, in %s\n",
                 name.c_str(), static_cast<unsigned long long>(run.traces), run.warnings.size(),
                 options.out.c_str());
  }
  for (const RunWarning& warning : run.warnings) {
    std::fprintf(log_, "arbiter serve: window %s: %s\n", name.c_str(), warning.message.c_str());
  }
  std::fflush(log_);
  return Status::OK();
}

void WindowScorer::ScorePending() {
  for (const std::string& name : Pending()) {
    if (failed_.count(name)) continue;
    Status scored = Score(name);
    if (!scored.ok()) {
      failed_.insert(name);
      std::fprintf(log_, "arbiter serve: window %s not scored: %s\n", name.c_str(),
                   scored.ToString().c_str());
      std::fflush(log_);
    }
  }
}

void WindowScorer::Start(uint64_t poll_ms) {
  thread_ = std::thread([this, poll_ms] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      ScorePending();
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(poll_ms), [this] { return stopping_; });
    }
  });
}

void WindowScorer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  ScorePending();
}

}  // namespace arbiter
