#include "runner/base/db_url.h"

#include <vector>

namespace arbiter {
namespace {

constexpr char kMask[] = "***";

// A span [begin, end) of the location holding a password.
struct Span {
  size_t begin, end;
};

// The passwords of a URL, as libpq reads them: the userinfo's part after ':' (the authority
// ends at the first '/' or '@'), and every `password=` query parameter.
std::vector<Span> PasswordSpans(std::string_view url) {
  std::vector<Span> spans;
  if (!IsPostgresUrl(url)) return spans;
  size_t start = url.find("://") + 3;
  size_t stop = url.find_first_of("/@", start);
  if (stop != std::string_view::npos && url[stop] == '@') {
    size_t colon = url.find(':', start);
    if (colon < stop) spans.push_back({colon + 1, stop});
    start = stop;  // a '?' in the password starts no query
  }
  size_t query = url.find('?', start);
  while (query != std::string_view::npos) {
    size_t value = query + 1;
    size_t next = url.find('&', value);
    constexpr std::string_view kKey = "password=";
    if (url.substr(value, kKey.size()) == kKey) {
      spans.push_back({value + kKey.size(), next == std::string_view::npos ? url.size() : next});
    }
    query = next;
  }
  return spans;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    int high = text[i] == '%' && i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
    int low = high >= 0 ? HexDigit(text[i + 2]) : -1;
    if (low >= 0) {
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void ReplaceAll(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + sizeof(kMask) - 1)) {
    text.replace(at, secret.size(), kMask);
  }
}

}  // namespace

bool IsPostgresUrl(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string RedactUrl(std::string_view location) {
  std::string out(location);
  std::vector<Span> spans = PasswordSpans(location);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {  // from the end: offsets hold
    out.replace(it->begin, it->end - it->begin, kMask);
  }
  return out;
}

std::string ScrubPassword(std::string text, std::string_view url) {
  for (const Span& span : PasswordSpans(url)) {
    std::string_view written = url.substr(span.begin, span.end - span.begin);
    ReplaceAll(text, std::string(written));
    ReplaceAll(text, PercentDecoded(written));
  }
  return text;
}

}  // namespace arbiter
