#include "runner/cli/progress.h"

#include <cstdio>

#include <sys/ioctl.h>
#include <unistd.h>

namespace arbiter {
namespace {

// Four redraws a second: fast enough to look alive, rare enough to cost nothing.
constexpr auto kTick = std::chrono::milliseconds(250);

// Asked at each redraw, so that a resized window is followed.
int TerminalWidth() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

Progress::Progress(bool enabled, LiveSource live)
    : enabled_(enabled && ::isatty(STDERR_FILENO)),
      live_(std::move(live)),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Finish(); }

void Progress::Start(std::optional<uint64_t> total_bytes) {
  if (!enabled_ || thread_.joinable()) return;
  start_ = std::chrono::steady_clock::now();
  total_bytes_ = total_bytes;
  thread_ = std::thread([this] { Loop(); });
}

void Progress::Update(uint64_t traces, uint64_t bytes) {
  traces_.store(traces, std::memory_order_relaxed);
  bytes_.store(bytes, std::memory_order_relaxed);
}

void Progress::Writing() {
  if (!enabled_) return;
  writing_.store(true);
  std::lock_guard lock(mutex_);
  if (thread_.joinable() && !stop_) Draw();
}

void Progress::Print(const std::string& text) {
  std::lock_guard lock(mutex_);
  if (drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
  std::fputs(text.c_str(), stderr);
}

void Progress::Finish() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mutex_);
  finished_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (drawn_) std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

std::string Progress::Summary() const {
  if (!enabled_) return "";
  return FormatProgressSummary(Figures());
}

ProgressFigures Progress::Figures() const {
  ProgressFigures figures;
  figures.stage =
      writing_.load() ? ProgressFigures::Stage::kWriting : ProgressFigures::Stage::kScoring;
  figures.seconds = finished_seconds_.value_or(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  figures.traces = traces_.load(std::memory_order_relaxed);
  figures.bytes = bytes_.load(std::memory_order_relaxed);
  figures.total_bytes = total_bytes_;
  if (live_) figures.judge = live_();
  return figures;
}

void Progress::Draw() {
  std::string line = FormatProgressLine(Figures(), TerminalWidth());
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    Draw();
    wake_.wait_for(lock, kTick, [&] { return stop_; });
  }
}

}  // namespace arbiter
