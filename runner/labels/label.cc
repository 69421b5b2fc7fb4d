#include "runner/labels/label.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/base/json_error.h"
#include "runner/base/json_util.h"
#include "runner/base/line_reader.h"

namespace arbiter {
namespace {

// Splits one CSV record (RFC 4180 quoting; a record may not span lines). Returns false on an
// unterminated quote.
bool SplitCsv(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return !quoted;
}

bool ValidName(const std::string& name) {
  static const std::regex kName("[a-z0-9][a-z0-9-]*");
  return std::regex_match(name, kName);
}

// Why `label` is not a valid label value, or "".
std::string BadValue(const std::string& label) {
  if (label == "pass" || label == "fail") return "";
  char* end = nullptr;
  double value = std::strtod(label.c_str(), &end);
  if (label.empty() || end != label.c_str() + label.size() || !std::isfinite(value)) {
    return "label '" + label + "' is not pass, fail or a number";
  }
  return "";
}

// Checks one row's fields and fills defaults; returns the reason it is bad, or "".
std::string Complete(Label& label, const LabelFileOptions& options) {
  if (label.reviewer.empty()) label.reviewer = options.default_reviewer;
  if (label.labeled_at.empty()) label.labeled_at = options.default_labeled_at;
  if (label.trace_id.empty()) return "trace_id is empty";
  if (!ValidName(label.failure_mode)) {
    return "failure_mode '" + label.failure_mode + "' is not a name ([a-z0-9-]+)";
  }
  if (label.reviewer.empty()) return "no reviewer (add a reviewer column or pass --reviewer)";
  std::string bad = BadValue(label.label);
  if (bad.empty() && label.graded()) {  // one spelling per value: "3", "3.0" and "3e0" agree
    double value = label.value();
    label.label.clear();
    AppendJsonNumber(label.label, value);
  }
  return bad;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t start = s.find_first_not_of(' ');
  return start == std::string::npos ? "" : s.substr(start);
}

// A JSON value as label text: strings as they are, numbers in their shortest form.
std::optional<std::string> LabelText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) {
    std::string text;
    AppendJsonNumber(text, value.get<double>());
    return text;
  }
  return std::nullopt;
}

std::string ParseJsonlRow(const std::string& text, Label& label) {
  nlohmann::json row;
  try {
    row = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    return NotValidJsonLine(e);
  }
  if (!row.is_object()) return "a label row must be a JSON object";
  auto text_field = [&](const char* key, std::string& out, bool any) -> std::string {
    auto it = row.find(key);
    if (it == row.end() || it->is_null()) return "";
    if (it->is_string()) {
      out = it->get<std::string>();
      return "";
    }
    if (any) {
      if (auto value = LabelText(*it)) {
        out = *value;
        return "";
      }
    }
    return std::string(key) + " must be a string";
  };
  for (auto [key, out, any] :
       {std::tuple<const char*, std::string*, bool>{"trace_id", &label.trace_id, false},
        {"failure_mode", &label.failure_mode, false},
        {"label", &label.label, true},
        {"reviewer", &label.reviewer, false},
        {"labeled_at", &label.labeled_at, false},
        {"note", &label.note, false}}) {
    std::string error = text_field(key, *out, any);
    if (!error.empty()) return error;
  }
  return "";
}

}  // namespace

Result<std::vector<Label>> ReadLabelFile(const std::filesystem::path& path,
                                         const LabelFileOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": cannot open label file");
  std::string extension = path.extension().string();
  std::stringstream whole;
  whole << in.rdbuf();
  std::string content = whole.str();
  if (content.starts_with(kUtf8Bom)) content.erase(0, kUtf8Bom.size());  // Excel writes one
  size_t first = content.find_first_not_of(" \t\r\n");
  bool jsonl = extension == ".jsonl" || extension == ".json" ||
               (first != std::string::npos && content[first] == '{');

  std::vector<Label> labels;
  std::vector<std::string> errors;
  std::istringstream lines(content);
  std::string line;
  uint64_t number = 0;
  std::map<std::string, size_t> columns;  // CSV: column name -> index
  std::vector<std::string> fields;
  while (std::getline(lines, line)) {
    ++number;
    if (Trim(line).empty()) continue;
    Label label;
    label.line = number;  // where the record starts, also for one that runs over several lines
    auto error_at = [&](const std::string& reason) {
      errors.push_back(path.string() + ":" + std::to_string(label.line) + ": " + reason);
    };
    if (jsonl) {
      std::string error = ParseJsonlRow(line, label);
      if (!error.empty()) {
        error_at(error);
        continue;
      }
    } else {
      // A quoted field may hold line breaks (Excel writes a multi-line note so): while a quote is
      // open (an odd count of '"' so far: an escaped "" counts two), the next line belongs to
      // this record. Counting keeps a quote left open on line 1 linear, not a split per line.
      std::string record = line;
      size_t quotes = std::count(record.begin(), record.end(), '"');
      while (quotes % 2 == 1 && std::getline(lines, line)) {
        ++number;
        if (record.ends_with('\r')) record.pop_back();  // a CRLF file's break inside the field
        quotes += std::count(line.begin(), line.end(), '"');
        record.append("\n").append(line);
      }
      if (!SplitCsv(Trim(record), fields)) {
        error_at("unterminated quote (a quoted field runs to the end of the file)");
        continue;
      }
      if (columns.empty()) {
        for (size_t i = 0; i < fields.size(); ++i) {
          // A name given twice left fewer columns than fields, and rows were then read past
          // their end (a fuzzer finding).
          std::string name = Trim(fields[i]);
          if (!columns.emplace(name, i).second) {
            return Status::InvalidArgument(path.string() + ":" + std::to_string(number) +
                                           ": the CSV header names '" + name + "' twice");
          }
        }
        for (const char* required : {"trace_id", "failure_mode", "label"}) {
          if (!columns.count(required)) {
            return Status::InvalidArgument(path.string() + ":" + std::to_string(number) +
                                           ": the CSV header has no '" + required + "' column");
          }
        }
        continue;
      }
      if (fields.size() != columns.size()) {
        error_at(std::to_string(fields.size()) + " fields, the header has " +
                 std::to_string(columns.size()));
        continue;
      }
      auto get = [&](const char* name) {
        auto it = columns.find(name);
        return it == columns.end() ? std::string() : Trim(fields[it->second]);
      };
      label.trace_id = get("trace_id");
      label.failure_mode = get("failure_mode");
      label.label = get("label");
      label.reviewer = get("reviewer");
      label.labeled_at = get("labeled_at");
      label.note = get("note");
    }
    std::string error = Complete(label, options);
    if (!error.empty()) {
      error_at(error);
      continue;
    }
    labels.push_back(std::move(label));
  }
  if (!errors.empty()) {
    std::string message;
    for (const std::string& error : errors) message += (message.empty() ? "" : "\n") + error;
    return Status::InvalidArgument(message);
  }
  if (labels.empty()) return Status::InvalidArgument(path.string() + ": no labels");
  Status checked = CheckLabels(labels, path.string());
  if (!checked.ok()) return checked;
  return labels;
}

Status CheckLabels(const std::vector<Label>& labels, const std::string& source) {
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> seen;
  std::map<std::string, const Label*> kind_of_mode;  // the first row of each failure mode
  std::string message;
  auto add = [&](uint64_t line, const std::string& reason) {
    message += (message.empty() ? "" : "\n") + source + ":" + std::to_string(line) + ": " + reason;
  };
  for (const Label& label : labels) {
    auto [it, fresh] = seen.emplace(
        std::make_tuple(label.trace_id, label.failure_mode, label.reviewer), label.line);
    if (!fresh) {
      add(label.line, "'" + label.reviewer + "' already labeled " + label.trace_id + " for " +
                          label.failure_mode + " on line " + std::to_string(it->second));
    }
    auto [mode, first] = kind_of_mode.emplace(label.failure_mode, &label);
    if (!first && mode->second->graded() != label.graded()) {
      add(label.line, "failure mode " + label.failure_mode +
                          " mixes pass/fail and graded labels "
                          "(line " +
                          std::to_string(mode->second->line) + " has '" + mode->second->label +
                          "')");
    }
  }
  return message.empty() ? Status::OK() : Status::InvalidArgument(message);
}

std::string LabelsJsonl(std::vector<Label> labels) {
  std::sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) {
    return std::tie(a.failure_mode, a.trace_id, a.reviewer) <
           std::tie(b.failure_mode, b.trace_id, b.reviewer);
  });
  std::string out;
  for (const Label& label : labels) {
    out += "{\"trace_id\": ";
    AppendJsonString(out, label.trace_id);
    out += ", \"failure_mode\": ";
    AppendJsonString(out, label.failure_mode);
    out += ", \"label\": ";
    if (label.graded()) {
      AppendJsonNumber(out, label.value());
    } else {
      AppendJsonString(out, label.label);
    }
    out += ", \"reviewer\": ";
    AppendJsonString(out, label.reviewer);
    out += ", \"labeled_at\": ";
    AppendJsonString(out, label.labeled_at);
    out += ", \"note\": ";
    AppendJsonString(out, label.note);
    out += "}\n";
  }
  return out;
}

}  // namespace arbiter
