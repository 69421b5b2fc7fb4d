// The progress display of `arbiter run` on an interactive terminal (stderr): one line redrawn by
// a thread of its own every quarter second, so that it moves even while the scoring thread waits
// for a slow judge; silent in CI logs and pipes, where a carriage-return animation would only
// add noise. The line's wording is progress_line.h's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "runner/cli/progress_line.h"

namespace arbiter {

class Progress {
 public:
  // Reads the judges' live figures (none: a suite without a judge). Called on the display's
  // thread, so it must be thread-safe (Evaluator::Live is).
  using LiveSource = std::function<std::optional<LiveCalls>()>;

  // Enabled when `enabled` and stderr is a terminal.
  Progress(bool enabled, LiveSource live);
  ~Progress();  // Finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }

  // Scoring starts: the clock, the total (when known) and the redrawing thread.
  void Start(std::optional<uint64_t> total_bytes);
  // Where the scoring is; cheap (two stores), from any thread.
  void Update(uint64_t traces, uint64_t bytes);
  // The outputs are being written: says so at once (their writing may take a second).
  void Writing();
  // Prints `text` (a whole line, with its '\n') without tearing the progress line: the line is
  // cleared first and redrawn at the next tick. Printed as is when the display is off.
  void Print(const std::string& text);
  // Stops the thread and clears the line. Idempotent.
  void Finish();
  // The final figures (FormatProgressSummary) as of Finish(); empty when the display is off.
  std::string Summary() const;

 private:
  ProgressFigures Figures() const;
  void Draw();  // REQUIRES: mutex_ held
  void Loop();

  const bool enabled_;
  const LiveSource live_;
  std::chrono::steady_clock::time_point start_;
  std::optional<uint64_t> total_bytes_;
  std::atomic<uint64_t> traces_{0}, bytes_{0};
  std::atomic<bool> writing_{false};
  std::optional<double> finished_seconds_;  // set by Finish

  mutable std::mutex mutex_;  // stderr and the fields below
  std::condition_variable wake_;
  bool stop_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace arbiter
