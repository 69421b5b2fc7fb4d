// arbiter-gen-demo: writes seeded synthetic support-agent traces (SPEC "Trace format") and,
// with --truth, the failure modes injected into each (datasets/demo/README.md).
//
//   arbiter-gen-demo [--count N] [--seed S] [--out FILE|-] [--truth FILE]
//
// Defaults: 1000 traces, seed 42, to standard output. Exit codes as arbiter's: 0 success,
// 2 usage error, 3 an output file could not be written.
#include <cstdint>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "datasets/demo/demo_generator.h"

namespace {

// Lines accumulate in memory and leave in large writes: the benchmark input is ~2 GB.
constexpr size_t kFlushBytes = size_t{8} << 20;

class Output {
 public:
  // "-" is standard output. ok() is false when the file could not be opened.
  explicit Output(const std::string& path) : path_(path) {
    file_ = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
    buffer_.reserve(kFlushBytes + (size_t{1} << 20));
  }
  ~Output() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  bool ok() const { return file_ != nullptr && ok_; }
  const std::string& path() const { return path_; }
  std::string& buffer() { return buffer_; }

  void FlushIfFull() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  void Flush() {
    if (file_ == nullptr) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) ok_ = false;
    buffer_.clear();
  }
  // Flushes and closes; false when anything failed on the way.
  bool Close() {
    Flush();
    if (file_ != nullptr) {
      if ((file_ == stdout ? std::fflush(file_) : std::fclose(file_)) != 0) ok_ = false;
      file_ = nullptr;
    }
    return ok_;
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  bool ok_ = true;
};

}  // namespace

int main(int argc, char** argv) {
  uint64_t count = 1000;
  uint64_t seed = 42;
  std::string out_path = "-";
  std::string truth_path;

  CLI::App app{"Writes seeded synthetic support-agent traces (JSONL) with injected failure modes.",
               "arbiter-gen-demo"};
  app.add_option("--count", count, "number of traces")->capture_default_str();
  app.add_option("--seed", seed, "seed; the same seed writes the same bytes")
      ->capture_default_str();
  app.add_option("--out", out_path, "traces file, or - for standard output")->capture_default_str();
  app.add_option("--truth", truth_path,
                 "also write {\"trace_id\", \"injected\": [failure modes]} per trace here");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  Output traces(out_path);
  if (!traces.ok()) {
    std::fprintf(stderr, "arbiter-gen-demo: cannot open %s for writing\n", out_path.c_str());
    return 3;
  }
  std::unique_ptr<Output> truth;
  if (!truth_path.empty()) {
    truth = std::make_unique<Output>(truth_path);
    if (!truth->ok()) {
      std::fprintf(stderr, "arbiter-gen-demo: cannot open %s for writing\n", truth_path.c_str());
      return 3;
    }
  }

  arbiter::demo::DemoGenerator generator(seed);
  for (uint64_t i = 0; i < count; ++i) {
    generator.Next(traces.buffer(), truth ? &truth->buffer() : nullptr);
    traces.FlushIfFull();
    if (truth) truth->FlushIfFull();
  }
  for (Output* output : {&traces, truth.get()}) {
    if (output != nullptr && !output->Close()) {
      std::fprintf(stderr, "arbiter-gen-demo: writing %s failed\n", output->path().c_str());
      return 3;
    }
  }
  return 0;
}
