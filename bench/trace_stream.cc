// trace_stream --from FILE --count N [--drop FIELD,...]: writes N JSONL traces to standard
// output, cycling through the lines of FILE with each trace_id made unique ("<id>~<n>"), as fast
// as a pipe takes them; `--drop` removes top-level fields first (the text bodies, for a stream of
// compact traces). The sampling benchmark (bench/sample.sh) feeds `arbiter sample --traces -`
// from it: a stream of any length with realistic traces, without a file of that length on disk.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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
  std::vector<std::string> drop;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--from") == 0) from = argv[i + 1];
    if (std::strcmp(argv[i], "--count") == 0) count = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--drop") == 0) {
      std::string fields = argv[i + 1];
      for (size_t start = 0, comma; start <= fields.size(); start = comma + 1) {
        comma = fields.find(',', start);
        if (comma == std::string::npos) comma = fields.size();
        if (comma > start) drop.push_back(fields.substr(start, comma - start));
      }
    }
  }
  if (from.empty() || count == 0) {
    std::fprintf(stderr, "usage: trace_stream --from FILE --count N [--drop FIELD,...]\n");
    return 2;
  }
  // Each line split where its trace_id's value ends, so the copy number goes in between.
  std::vector<std::pair<std::string, std::string>> lines;
  std::ifstream in(from);
  constexpr std::string_view kKey = "\"trace_id\":\"";
  for (std::string line; std::getline(in, line);) {
    if (!drop.empty()) {
      auto trace = nlohmann::ordered_json::parse(line, nullptr, false);
      if (!trace.is_object()) continue;
      for (const std::string& field : drop) trace.erase(field);
      line = trace.dump();
    }
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
