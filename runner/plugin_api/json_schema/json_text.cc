#include "runner/plugin_api/json_schema/json_text.h"

#include <algorithm>
#include <string>

#include "runner/base/json_error.h"

namespace arbiter {
namespace {

// The line starting at `pos` opens or closes a fence: the number of backticks after at most 3
// spaces, or 0.
size_t FenceTicks(std::string_view text, size_t pos) {
  size_t i = pos;
  while (i < text.size() && i - pos < 3 && text[i] == ' ') ++i;
  size_t ticks = 0;
  while (i + ticks < text.size() && text[i + ticks] == '`') ++ticks;
  return ticks >= 3 ? ticks : 0;
}

size_t LineEnd(std::string_view text, size_t pos) {
  size_t end = text.find('\n', pos);
  return end == std::string_view::npos ? text.size() : end;
}

}  // namespace

std::optional<std::string_view> FencedBody(std::string_view text) {
  for (size_t line = 0; line < text.size(); line = LineEnd(text, line) + 1) {
    size_t ticks = FenceTicks(text, line);
    if (ticks == 0) continue;
    size_t info_start = text.find('`', line) + ticks;
    size_t open_end = LineEnd(text, line);
    // CommonMark: a backtick fence's info string holds no backtick (```json {"a":1}``` is an
    // inline code span, not a fence).
    if (text.substr(info_start, open_end - info_start).find('`') != std::string_view::npos) {
      continue;
    }
    size_t body_start = std::min(open_end + 1, text.size());
    for (size_t close = body_start; close < text.size(); close = LineEnd(text, close) + 1) {
      if (FenceTicks(text, close) >= ticks) return text.substr(body_start, close - body_start);
    }
    return text.substr(body_start);
  }
  return std::nullopt;
}

Result<nlohmann::json> ParseJsonText(std::string_view text, size_t offset_base) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what(): "[json.exception.parse_error.101] parse error at line 1, column 5: <diagnosis>".
    // Lines and columns of a one-line answer say less than an offset; keep the diagnosis.
    std::string what = e.what();
    size_t colon = what.find(": ", what.find("parse error"));
    std::string diagnosis = colon == std::string::npos ? what : what.substr(colon + 2);
    // e.byte counts the characters read, the offending one included (1-based).
    size_t offset = offset_base + (e.byte > 0 ? e.byte - 1 : 0);
    return Status::InvalidArgument(diagnosis + "; at offset " + std::to_string(offset));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number past a double's range (1e999): "[json.exception.out_of_range.406] number
    // overflow parsing '1e999'". It names the number but not where it stands: find it.
    std::string diagnosis = JsonErrorText(e);
    size_t open = diagnosis.find('\'');
    size_t close = diagnosis.rfind('\'');
    if (open == std::string::npos || close <= open) return Status::InvalidArgument(diagnosis);
    size_t at = text.find(std::string_view(diagnosis).substr(open + 1, close - open - 1));
    if (at == std::string_view::npos) return Status::InvalidArgument(diagnosis);
    return Status::InvalidArgument(diagnosis + "; at offset " + std::to_string(offset_base + at));
  }
}

}  // namespace arbiter
