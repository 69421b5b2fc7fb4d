// arbiter-to-otlp IN.jsonl OUT.otlp.jsonl [--spread]
//
// Converts our JSONL traces into OTLP/JSON lines as the OpenTelemetry Collector's file exporter
// writes them, with OpenInference attributes where a convention exists and `arbiter.*` attributes
// for the rest (runner/source/otlp/from_trace.h), such that reading OUT with arbiter gives the same trace
// fields. With --spread, each trace's spans go over several lines interleaved with the traces
// around it (groups of 4), to exercise span assembly. The output depends only on the input.
//
// IN may be gzip-compressed or "-" for standard input. Exit codes: 0 done, 2 usage, 3 a line
// that is not a JSON object or an I/O error (nothing is written past it).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "runner/base/line_reader.h"
#include "runner/source/otlp/from_trace.h"

namespace {

constexpr size_t kSpreadGroup = 4;

int Usage() {
  std::cerr << "usage: arbiter-to-otlp IN.jsonl OUT.otlp.jsonl [--spread]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  bool spread = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--spread") == 0) {
      spread = true;
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      Usage();
      return 0;
    } else {
      paths.emplace_back(argv[i]);
    }
  }
  if (paths.size() != 2) return Usage();

  auto reader = arbiter::LineReader::Open(paths[0]);
  if (!reader.ok()) {
    std::cerr << "arbiter-to-otlp: " << reader.status().ToString() << "\n";
    return 3;
  }
  std::ofstream out(paths[1], std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "arbiter-to-otlp: " << paths[1] << ": cannot write: " << std::strerror(errno)
              << "\n";
    return 3;
  }

  std::vector<std::vector<arbiter::OtlpSpan>> group;
  std::map<std::string, size_t> carried;  // field -> traces that carry it as arbiter.<field>
  uint64_t traces = 0, lines = 0, lost = 0;
  auto flush = [&] {
    for (const std::string& line : arbiter::OtlpLinesForGroup(group, spread)) {
      out << line << '\n';
      ++lines;
    }
    group.clear();
  };
  arbiter::Line line;
  while ((*reader)->Next(line)) {
    if (line.text.find_first_not_of(" \t\r") == std::string_view::npos && !line.oversized) {
      continue;
    }
    arbiter::OrderedJson trace =
        line.oversized
            ? arbiter::OrderedJson()
            : arbiter::OrderedJson::parse(line.text, nullptr, /*allow_exceptions=*/false);
    if (!trace.is_object()) {
      std::cerr << paths[0] << ":" << line.number << ": not a JSON object\n";
      return 3;
    }
    arbiter::SpansFromTraceResult converted = arbiter::SpansFromTrace(trace, traces++);
    for (const std::string& field : converted.carried) ++carried[field];
    for (const std::string& field : converted.lost) {
      std::cerr << paths[0] << ":" << line.number << ": field \"" << field
                << "\" cannot be carried (a '.' in its name)\n";
      ++lost;
    }
    group.push_back(std::move(converted.spans));
    if (!spread || group.size() == kSpreadGroup) flush();
  }
  if (!(*reader)->status().ok()) {
    std::cerr << "arbiter-to-otlp: " << (*reader)->status().ToString() << "\n";
    return 3;
  }
  flush();
  out.flush();
  if (!out) {
    std::cerr << "arbiter-to-otlp: " << paths[1] << ": write failed\n";
    return 3;
  }
  std::cerr << "arbiter-to-otlp: " << traces << " traces -> " << lines << " lines";
  for (const auto& [field, count] : carried) {
    std::cerr << "; " << field << " carried as arbiter." << field << " in " << count;
  }
  if (lost) std::cerr << "; " << lost << " fields lost";
  std::cerr << "\n";
  return 0;
}
