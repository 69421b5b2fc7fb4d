// For the serve tests: the spans of an OTLP/JSON fixture under tests/fixtures/otlp/.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runner/source/otlp/document.h"

namespace arbiter {

inline std::vector<OtlpSpan> FixtureSpans(const std::string& name) {
  const char* root = std::getenv("ARBITER_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/tests/fixtures/otlp/" + name);
  std::stringstream text;
  text << in.rdbuf();
  simdjson::dom::parser parser;
  std::vector<OtlpSpan> spans;
  std::vector<std::string> problems;
  ReadOtlpDocument(parser.parse(text.str()), spans, problems);
  return spans;
}

}  // namespace arbiter
