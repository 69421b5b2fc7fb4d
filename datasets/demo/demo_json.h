// A minimal JSON writer appending to a caller's string: the generator writes gigabytes, so no
// DOM, no streams, no per-value allocation. Strings are escaped by AppendJsonString.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "datasets/demo/demo_template.h"
#include "runner/base/json_util.h"

namespace arbiter::demo {

// Commas are placed automatically: a value or key after a completed value gets one. The caller
// keeps keys and values paired and containers balanced.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  void Key(std::string_view key) {
    Separate();
    AppendJsonString(out_, key);
    out_.push_back(':');
    need_comma_ = false;
  }
  void String(std::string_view value) {
    Separate();
    AppendJsonString(out_, value);
    need_comma_ = true;
  }
  void Int(int64_t value) {
    Separate();
    AppendInt(out_, value);
    need_comma_ = true;
  }
  void Bool(bool value) { Raw(value ? "true" : "false"); }
  void Null() { Raw("null"); }
  // A value already in JSON form (a number formatted by the caller, a nested document).
  void Raw(std::string_view json) {
    Separate();
    out_.append(json);
    need_comma_ = true;
  }

  // Key and value in one call, for the common flat fields.
  void Field(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void FieldInt(std::string_view key, int64_t value) {
    Key(key);
    Int(value);
  }

 private:
  void Separate() {
    if (need_comma_) out_.push_back(',');
  }
  void Open(char c) {
    Separate();
    out_.push_back(c);
    need_comma_ = false;
  }
  void Close(char c) {
    out_.push_back(c);
    need_comma_ = true;
  }

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace arbiter::demo
