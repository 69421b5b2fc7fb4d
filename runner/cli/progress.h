// A one-line progress display on an interactive terminal (stderr); silent in CI logs and pipes,
// where a carriage-return animation would only add noise.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace arbiter {

class Progress {
 public:
  // Enabled when `enabled` and stderr is a terminal.
  explicit Progress(bool enabled);
  // Updates the count; redraws at most a few times a second.
  void Update(uint64_t traces);
  // Clears the line.
  void Finish();

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace arbiter
