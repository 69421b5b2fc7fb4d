// trace_stream --from FILE --count N: writes N JSONL traces to standard output, cycling through
// the lines of FILE with each trace_id made unique ("<id>~<n>"), as fast as a pipe takes them.
// The sampling benchmark (bench/sample.sh) feeds `arbiter sample --traces -` from it: a stream
// of any length with realistic traces, without a file of that length on disk.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

bool WriteAll(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string from;
  unsigned long long count = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--from") == 0) from = argv[i + 1];
    if (std::strcmp(argv[i], "--count") == 0) count = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (from.empty() || count == 0) {
    std::fprintf(stderr, "usage: trace_stream --from FILE --count N\n");
    return 2;
  }
  // Each line split where its trace_id's value ends, so the copy number goes in between.
  std::vector<std::pair<std::string, std::string>> lines;
  std::ifstream in(from);
  constexpr std::string_view kKey = "\"trace_id\":\"";
  for (std::string line; std::getline(in, line);) {
    size_t key = line.find(kKey);
    size_t end = key == std::string::npos ? key : line.find('"', key + kKey.size());
    if (end == std::string::npos) continue;
    lines.emplace_back(line.substr(0, end), line.substr(end) + "\n");
  }
  if (lines.empty()) {
    std::fprintf(stderr, "trace_stream: no trace with a trace_id in %s\n", from.c_str());
    return 2;
  }
  std::string buffer;
  char copy[32];
  for (unsigned long long i = 0; i < count; ++i) {
    const auto& [head, tail] = lines[i % lines.size()];
    int n = std::snprintf(copy, sizeof(copy), "~%llu", i / lines.size());
    buffer.append(head).append(copy, static_cast<size_t>(n)).append(tail);
    if (buffer.size() >= (1 << 20)) {
      if (!WriteAll(buffer)) return 0;  // the reader went away
      buffer.clear();
    }
  }
  WriteAll(buffer);
  return 0;
}
