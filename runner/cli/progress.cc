#include "runner/cli/progress.h"

#include <cstdio>

#include <unistd.h>

namespace arbiter {

Progress::Progress(bool enabled)
    : enabled_(enabled && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::Update(uint64_t traces) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r\033[Kscoring: %llu traces, %.0f traces/s, %.1f s",
               static_cast<unsigned long long>(traces), seconds > 0 ? traces / seconds : 0.0,
               seconds);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace arbiter
