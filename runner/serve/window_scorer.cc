#include "runner/serve/window_scorer.h"

#include <algorithm>
#include <chrono>

#include "runner/scoring/run_suite.h"

namespace arbiter {

namespace fs = std::filesystem;

WindowScorer::WindowScorer(const Suite& suite, fs::path out, fs::path cache_dir, std::FILE* log)
    : suite_(suite), out_(std::move(out)), cache_dir_(std::move(cache_dir)), log_(log) {}

WindowScorer::~WindowScorer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> WindowScorer::Pending() const {
  std::vector<std::string> names;
  std::error_code ec;
  constexpr std::string_view kPlan = ".plan.json";
  for (const fs::directory_entry& entry : fs::directory_iterator(out_ / "samples", ec)) {
    std::string file = entry.path().filename().string();
    if (!file.ends_with(kPlan)) continue;
    std::string name = file.substr(0, file.size() - kPlan.size());
    if (!fs::exists(out_ / "scores" / name / "scores.jsonl")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status WindowScorer::Score(const std::string& name) {
  RunSuiteOptions options;
  options.traces = {(out_ / "samples" / (name + ".jsonl")).string()};
  options.out = out_ / "scores" / name;
  // One worker: a window's sample is small, and the receiver's threads share the machine.
  options.threads = 1;
  options.cache_dir = cache_dir_;
  ARBITER_ASSIGN_OR_RETURN(RunSuiteResult run, RunSuite(suite_, options));
  std::fprintf(log_, "arbiter serve: scored window %s: %llu traces, %zu warnings, in %s\n",
               name.c_str(), static_cast<unsigned long long>(run.traces), run.warnings.size(),
               options.out.c_str());
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
