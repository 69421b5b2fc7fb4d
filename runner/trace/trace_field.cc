#include "runner/trace/trace_field.h"

#include <vector>

#include <simdjson.h>

#include "runner/base/json_util.h"

namespace arbiter {
namespace {

// Where one top-level member sits in the text: its key's opening quote, the end of its key's
// token and the end of its value.
struct Member {
  size_t start = 0;
  size_t key_end = 0;
  size_t end = 0;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A lexical scan of one JSON object: enough to find its members, no more. Positions are byte
// offsets into the text; npos marks a structural error.
class ObjectScan {
 public:
  explicit ObjectScan(std::string_view text) : text_(text) {}

  // The members, and the closing brace's offset in `close`; false if `text` is not one object.
  bool Members(std::vector<Member>& members, size_t& close) {
    size_t pos = SkipSpace(0);
    if (pos >= text_.size() || text_[pos] != '{') return false;
    pos = SkipSpace(pos + 1);
    if (pos < text_.size() && text_[pos] == '}') {
      close = pos;
      return OnlySpaceAfter(pos + 1);
    }
    while (true) {
      Member member;
      member.start = pos;
      if (pos >= text_.size() || text_[pos] != '"') return false;
      member.key_end = SkipString(pos);
      if (member.key_end == std::string_view::npos) return false;
      pos = SkipSpace(member.key_end);
      if (pos >= text_.size() || text_[pos] != ':') return false;
      member.end = SkipValue(SkipSpace(pos + 1));
      if (member.end == std::string_view::npos) return false;
      members.push_back(member);
      pos = SkipSpace(member.end);
      if (pos >= text_.size()) return false;
      if (text_[pos] == '}') {
        close = pos;
        return OnlySpaceAfter(pos + 1);
      }
      if (text_[pos] != ',') return false;
      pos = SkipSpace(pos + 1);
    }
  }

 private:
  size_t SkipSpace(size_t pos) const {
    while (pos < text_.size() && IsSpace(text_[pos])) ++pos;
    return pos;
  }
  bool OnlySpaceAfter(size_t pos) const { return SkipSpace(pos) == text_.size(); }
  // `pos` is at an opening quote; returns the offset after the closing one.
  size_t SkipString(size_t pos) const {
    for (++pos; pos < text_.size(); ++pos) {
      if (text_[pos] == '\\') {
        ++pos;
      } else if (text_[pos] == '"') {
        return pos + 1;
      }
    }
    return std::string_view::npos;
  }
  size_t SkipValue(size_t pos) const {
    if (pos >= text_.size()) return std::string_view::npos;
    char c = text_[pos];
    if (c == '"') return SkipString(pos);
    if (c == '{' || c == '[') {
      size_t depth = 0;
      while (pos < text_.size()) {
        c = text_[pos];
        if (c == '"') {
          pos = SkipString(pos);
          if (pos == std::string_view::npos) return pos;
          continue;
        }
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return pos + 1;
        ++pos;
      }
      return std::string_view::npos;
    }
    size_t start = pos;  // a number, true, false or null
    while (pos < text_.size() && !IsSpace(text_[pos]) && text_[pos] != ',' && text_[pos] != '}' &&
           text_[pos] != ']') {
      ++pos;
    }
    return pos > start ? pos : std::string_view::npos;
  }

  std::string_view text_;
};

// Whether the key token `token` (quotes included) names `key` once unescaped.
bool KeyIs(std::string_view token, std::string_view key) {
  std::string_view raw = token.substr(1, token.size() - 2);
  if (raw.find('\\') == std::string_view::npos) return raw == key;
  simdjson::dom::parser parser;  // an escaped key is rare: parse the token as a JSON string
  std::string_view unescaped;
  if (parser.parse(token.data(), token.size()).get_string().get(unescaped)) return false;
  return unescaped == key;
}

}  // namespace

Result<std::string> SetTopLevelField(std::string_view object, std::string_view key,
                                     std::string_view value) {
  std::vector<Member> members;
  size_t close = 0;
  if (!ObjectScan(object).Members(members, close)) {
    return Status::InvalidArgument("not a JSON object");
  }
  std::vector<bool> named(members.size());
  size_t first_kept = members.size();
  for (size_t i = 0; i < members.size(); ++i) {
    const Member& m = members[i];
    named[i] = KeyIs(object.substr(m.start, m.key_end - m.start), key);
    if (!named[i] && first_kept == members.size()) first_kept = i;
  }

  // The spans to cut, in order: the named members before the first kept one with the commas
  // after them; each later named member with the comma before it; all of them if none is kept.
  std::vector<std::pair<size_t, size_t>> cuts;
  if (first_kept == members.size()) {
    if (!members.empty()) cuts.emplace_back(members.front().start, members.back().end);
  } else {
    if (first_kept > 0) cuts.emplace_back(members.front().start, members[first_kept].start);
    for (size_t i = first_kept + 1; i < members.size(); ++i) {
      if (named[i]) cuts.emplace_back(members[i - 1].end, members[i].end);
    }
  }

  std::string line;
  line.reserve(close + key.size() + value.size() + 5);
  size_t copied = 0;
  for (const auto& [from, to] : cuts) {
    line.append(object, copied, from - copied);
    copied = to;
  }
  line.append(object, copied, close - copied);
  if (first_kept < members.size()) line += ',';
  AppendJsonString(line, key);
  line += ':';
  line += value;
  line += '}';
  return line;
}

}  // namespace arbiter
