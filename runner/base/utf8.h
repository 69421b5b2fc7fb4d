// UTF-8 checks for text from users' files: YAML configuration and rubrics must be UTF-8 (YAML 1.2
// requires it), and the JSON that arbiter writes from them cannot hold other bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runner/base/status.h"

namespace arbiter {

// Length of the valid UTF-8 sequence starting at s[i] (i < s.size()), or 0 when it is invalid:
// a stray continuation byte, a truncated sequence, an overlong form, a surrogate, past U+10FFFF.
size_t Utf8SequenceLength(std::string_view s, size_t i);

// `text` with each byte that is not part of a valid UTF-8 sequence replaced by U+FFFD, as
// AppendJsonString (json_util.h) writes it: for text from plugins kept in JSON documents.
std::string ValidUtf8(std::string_view text);

// Where the first byte that is not part of a valid UTF-8 sequence sits: its offset, its 1-based
// line and column (the column counts characters), or nullopt when all of `text` is valid.
struct TextPosition {
  size_t offset = 0;
  uint64_t line = 1;
  uint64_t column = 1;
};
std::optional<TextPosition> FirstInvalidUtf8(std::string_view text);

// InvalidArgument "FILE:LINE:COLUMN: not UTF-8 (byte 0xNN); save the file as UTF-8" when `text`
// holds a byte that is not valid UTF-8, OK otherwise.
Status CheckUtf8(std::string_view text, const std::string& file);

}  // namespace arbiter
