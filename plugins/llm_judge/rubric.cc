#include "plugins/llm_judge/rubric.h"

#include <fstream>
#include <sstream>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "runner/base/config_file.h"
#include "runner/base/json_util.h"
#include "runner/base/sha256.h"
#include "runner/base/suggest.h"
#include "runner/base/utf8.h"
#include "runner/base/yaml_file.h"

namespace arbiter {
namespace {

// The top-level fields of SPEC "Trace format": a placeholder must start with one of them.
const std::vector<std::string>& TraceFields() {
  static const auto* fields = new std::vector<std::string>{
      "trace_id",   "session_id", "user_id",        "timestamp",
      "input",      "output",     "messages",       "retrieved_documents",
      "tool_calls", "model",      "prompt_version", "usage",
      "latency_ms", "status",     "feedback",       "metadata"};
  return *fields;
}

// Line and column (1-based) of byte `offset` in `text`.
std::pair<int, int> Position(const std::string& text, size_t offset) {
  int line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

Status ErrorAt(const std::filesystem::path& file, const std::string& text, size_t offset,
               const std::string& reason) {
  auto [line, column] = Position(text, offset);
  return Status::InvalidArgument(file.string() + ":" + std::to_string(line) + ":" +
                                 std::to_string(column) + ": " + reason);
}

// A front matter node's position in the whole file (the front matter starts on line 2).
Status NodeError(const std::filesystem::path& file, const YAML::Node& node,
                 const std::string& reason) {
  YAML::Mark mark = node.Mark();
  return Status::InvalidArgument(file.string() + ":" + std::to_string(mark.line + 2) + ":" +
                                 std::to_string(mark.column + 1) + ": " + reason);
}

Status ParseFrontMatter(const std::string& yaml, const std::filesystem::path& file,
                        Rubric& rubric) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(file.string() + ":" + std::to_string(e.mark.line + 2) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) {
    return Status::InvalidArgument(file.string() + ":2:1: front matter must be a mapping");
  }
  ARBITER_RETURN_IF_ERROR(CheckYamlDocument(root, file.string(), kMaxYamlExpandedNodes, 2));
  for (const auto& item : root) {
    const std::string& key = item.first.Scalar();
    if (key != "id" && key != "version" && key != "scale" && key != "output" &&
        key != "description") {
      return NodeError(
          file, item.first,
          "unknown key '" + key + "'; expected id, version, scale, output, description");
    }
  }
  static const RE2 kId("[a-z0-9]+(-[a-z0-9]+)*");
  if (!root["id"] || !root["id"].IsScalar() || !RE2::FullMatch(root["id"].Scalar(), kId)) {
    return NodeError(file, root["id"] ? root["id"] : root,
                     "rubric 'id' must be a name of [a-z0-9-]+");
  }
  rubric.id = root["id"].Scalar();
  long version = 0;
  if (!root["version"] || !YAML::convert<long>::decode(root["version"], version) || version < 1) {
    return NodeError(file, root["version"] ? root["version"] : root,
                     "rubric 'version' must be a positive integer");
  }
  rubric.version = static_cast<int>(version);
  const YAML::Node scale = root["scale"];
  const std::string scale_text = scale && scale.IsScalar() ? scale.Scalar() : "";
  if (scale_text == "binary") {
    rubric.scale = JudgeScale::kBinary;
  } else if (scale_text == "1-5") {
    rubric.scale = JudgeScale::kOneToFive;
  } else if (scale_text == "0-1") {
    rubric.scale = JudgeScale::kUnit;
  } else {
    return NodeError(file, scale ? scale : root,
                     "rubric 'scale' is '" + scale_text + "'; expected binary | 1-5 | 0-1");
  }
  rubric.output_fields = {"score", "reason"};
  if (const YAML::Node output = root["output"]) {
    if (!output.IsSequence()) return NodeError(file, output, "'output' must be a list of names");
    rubric.output_fields = {"score"};
    for (const YAML::Node& field : output) {
      if (!field.IsScalar()) return NodeError(file, field, "'output' must be a list of names");
      if (field.Scalar() != "score") rubric.output_fields.push_back(field.Scalar());
    }
  }
  return Status::OK();
}

Status ParseBody(const std::string& text, size_t body_start, const std::filesystem::path& file,
                 Rubric& rubric) {
  size_t at = body_start;
  while (true) {
    size_t open = text.find("{{", at);
    if (open == std::string::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) return ErrorAt(file, text, open, "unclosed '{{'");
    if (open > at) rubric.parts.emplace_back(text.substr(at, open - at));
    std::string name = text.substr(open + 2, close - open - 2);
    size_t first = name.find_first_not_of(" \t");
    size_t last = name.find_last_not_of(" \t");
    name = first == std::string::npos ? "" : name.substr(first, last - first + 1);
    auto path = TracePath::Parse(name);
    if (!path.ok()) return ErrorAt(file, text, open, path.status().message());
    const std::string& field = path->steps().front().key;
    bool known = path->steps().front().index < 0;
    for (const std::string& candidate : TraceFields()) known = known && candidate != field;
    if (path->steps().front().index >= 0 || known) {
      std::string reason =
          "unknown trace path '" + name + "': '" + field + "' is not a trace field";
      std::string closest = ClosestName(field, TraceFields());
      if (!closest.empty()) reason += "; did you mean '" + closest + "'?";
      return ErrorAt(file, text, open, reason);
    }
    rubric.parts.emplace_back(std::move(*path));
    at = close + 2;
  }
  if (at < text.size()) rubric.parts.emplace_back(text.substr(at));
  return Status::OK();
}

}  // namespace

const char* ScaleName(JudgeScale scale) {
  switch (scale) {
    case JudgeScale::kBinary:
      return "binary";
    case JudgeScale::kOneToFive:
      return "1-5";
    case JudgeScale::kUnit:
      return "0-1";
  }
  return "?";
}

Result<Rubric> ParseRubric(const std::string& text, const std::filesystem::path& file) {
  // The rubric's text goes into the judge's JSON request, which holds only UTF-8.
  ARBITER_RETURN_IF_ERROR(CheckUtf8(text, file.string()));
  Rubric rubric;
  rubric.file = file;
  rubric.sha256 = Sha256Hex(text);
  if (text.rfind("---\n", 0) != 0) {
    return Status::InvalidArgument(file.string() +
                                   ":1:1: a rubric starts with a YAML front matter ('---')");
  }
  size_t end = text.find("\n---", 3);
  if (end == std::string::npos) {
    return Status::InvalidArgument(file.string() + ":1:1: front matter is not closed by '---'");
  }
  ARBITER_RETURN_IF_ERROR(ParseFrontMatter(text.substr(4, end - 3), file, rubric));
  size_t body = text.find('\n', end + 4);
  body = body == std::string::npos ? text.size() : body + 1;
  ARBITER_RETURN_IF_ERROR(ParseBody(text, body, file, rubric));
  bool has_path = false;
  for (const auto& part : rubric.parts) has_path = has_path || part.index() == 1;
  if (!has_path) {
    return ErrorAt(file, text, body, "the rubric body names no trace path ({{output}}, ...)");
  }
  return rubric;
}

Result<Rubric> LoadRubric(const std::filesystem::path& file) {
  Result<std::string> text = ReadConfigFile(file);
  if (!text.ok()) {
    return Status::InvalidArgument(file.string() +
                                   ": cannot read rubric: " + text.status().message());
  }
  return ParseRubric(*text, file);
}

Result<std::string> Rubric::Render(const Trace& trace) const {
  std::string out;
  for (const auto& part : parts) {
    if (const std::string* literal = std::get_if<std::string>(&part)) {
      out += *literal;
      continue;
    }
    const TracePath& path = std::get<TracePath>(part);
    std::optional<simdjson::dom::element> value = path.Lookup(trace.root());
    if (!value) {
      return Status::InvalidArgument("rubric path '" + path.text() + "' is missing from the trace");
    }
    out += value->is_null() ? std::string("null") : ElementText(*value);
  }
  return out;
}

}  // namespace arbiter
