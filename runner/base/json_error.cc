#include "runner/base/json_error.h"

#include "runner/base/utf8.h"

namespace arbiter {
namespace {

// The diagnosis after nlohmann's place, cut to a readable length: "last read: '...'" repeats
// the input, which in an unterminated string is the rest of the line.
constexpr size_t kMaxDiagnosis = 200;

std::string Cut(std::string_view text) {
  if (text.size() <= kMaxDiagnosis) return std::string(text);
  size_t end = kMaxDiagnosis;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

// " at column 19: why" (line 1) or " at line 3, column 2: why" from "parse error at line L,
// column C: why"; "" when `text` is not such a message.
std::string Placed(const std::string& text) {
  constexpr std::string_view kHead = "parse error at line ";
  size_t colon = text.find(": ");
  if (!text.starts_with(kHead) || colon == std::string::npos) return "";
  std::string place = text.substr(kHead.size(), colon - kHead.size());  // "1, column 19"
  std::string why = ValidUtf8(Cut(std::string_view(text).substr(colon + 2)));
  if (place.starts_with("1, column ")) return " at column " + place.substr(10) + ": " + why;
  return " at line " + place + ": " + why;
}

// A SAX handler that keeps nothing: only the first error matters.
struct ErrorOnly : nlohmann::json_sax<nlohmann::json> {
  std::string error;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception& e) override {
    error = JsonErrorText(e);
    return false;
  }
};

}  // namespace

std::string JsonErrorText(const nlohmann::json::exception& e) {
  std::string what = e.what();
  size_t tag_end = what.rfind("] ", what.find(' '));  // the tag is the first word
  return what.starts_with("[json.exception.") && tag_end != std::string::npos
             ? what.substr(tag_end + 2)
             : what;
}

std::string NotValidJsonLine(const nlohmann::json::exception& e) {
  std::string text = JsonErrorText(e);
  std::string placed = Placed(text);
  return placed.empty() ? "not valid JSON: " + text : "not valid JSON" + placed;
}

std::string JsonRefusal(std::string_view lead, std::string_view json, simdjson::error_code error) {
  ErrorOnly handler;
  (void)nlohmann::json::sax_parse(json.begin(), json.end(), &handler);
  std::string placed = Placed(handler.error);
  if (!placed.empty()) return std::string(lead) + placed;
  return std::string(lead) + ": " + simdjson::error_message(error);
}

}  // namespace arbiter
