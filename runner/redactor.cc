#include "runner/redactor.h"

#include <cstdlib>

#include <re2/re2.h>

#include "runner/redact_checks.h"

namespace arbiter {

// A pattern whose first capture group is the sensitive span (context around it, such as the
// "Bearer " of a token or the character before an address, is matched but kept), and a check
// returning how many bytes of the span are confirmed (0: a look-alike, left alone).
struct Redactor::Rule {
  PiiType type;
  std::unique_ptr<RE2> re;
  size_t (*confirm)(std::string_view span);
};

namespace {

size_t Always(std::string_view span) { return span.size(); }
size_t Card(std::string_view span) { return IsCardNumber(span) ? span.size() : 0; }
size_t Ip(std::string_view span) { return IsIpv4(span) || IsIpv6(span) ? span.size() : 0; }
size_t Phone(std::string_view span) { return IsPhoneNumber(span) ? span.size() : 0; }

struct RuleText {
  PiiType type;
  const char* pattern;
  size_t (*confirm)(std::string_view span);
};

const RuleText kRules[] = {
    // Well-known key prefixes: OpenAI/Anthropic sk-, AWS access key ids, GitHub tokens, Slack
    // tokens, Google API keys; and any bearer token in an Authorization-style text.
    {PiiType::kSecret,
     R"(\b(sk-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|)"
     R"(xox[bpas]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}))",
     Always},
    {PiiType::kSecret, R"((?i:\bbearer)\s+([A-Za-z0-9._~+/=-]{16,}))", Always},
    {PiiType::kEmail, R"(([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}))",
     Always},
    // Groups of four after the country and check digits; the check trims a swallowed word.
    {PiiType::kIban, R"(\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b)",
     IbanPrefixLength},
    {PiiType::kCard,
     R"(\b([0-9]{13,19}|[0-9]{4}(?:[ -][0-9]{4}){2}[ -][0-9]{1,7}|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5})\b)",
     Card},
    // A dotted quad not inside a longer dotted run (so "1.2.3.4.5" is a version, not an IP).
    {PiiType::kIp, R"((?:^|[^\w.])((?:[0-9]{1,3}\.){3}[0-9]{1,3})(?:$|[^\w.]|\.(?:$|\W)))", Ip},
    {PiiType::kIp, R"((?:^|[^\w:.])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?:$|[^\w:.]))", Ip},
    // International (+CC ...), or North American 3-3-4 with separators. Bare digit runs are not
    // phones: they are far more often ids, amounts and timestamps.
    {PiiType::kPhone,
     R"((?:^|[^\w+])(\+[0-9]{1,3}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{1,4}(?:[ .-]?[0-9]{2,4}){1,4})\b)",
     Phone},
    {PiiType::kPhone, R"((?:^|[^\w(])((?:\([0-9]{3}\) ?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4})\b)",
     Phone},
};

}  // namespace

const char* PiiTypeName(PiiType type) {
  switch (type) {
    case PiiType::kSecret:
      return "SECRET";
    case PiiType::kEmail:
      return "EMAIL";
    case PiiType::kIban:
      return "IBAN";
    case PiiType::kCard:
      return "CARD";
    case PiiType::kIp:
      return "IP";
    case PiiType::kPhone:
      return "PHONE";
  }
  return "PII";
}

void RedactionCounts::Add(const RedactionCounts& other) {
  for (size_t i = 0; i < kPiiTypeCount; ++i) by_type[i] += other.by_type[i];
}

Redactor::Redactor() {
  RE2::Options options;
  options.set_log_errors(false);
  for (const RuleText& text : kRules) {
    auto re = std::make_unique<RE2>(text.pattern, options);
    // The patterns are fixed text compiled into the binary; a typo is a programming error.
    if (!re->ok()) std::abort();
    rules_.push_back(std::make_unique<Rule>(Rule{text.type, std::move(re), text.confirm}));
  }
}

Redactor::~Redactor() = default;

std::string Redactor::Redact(std::string_view text, RedactionCounts& counts) const {
  std::string current(text);
  std::string next;
  for (const auto& rule : rules_) {
    re2::StringPiece input(current.data(), current.size());
    re2::StringPiece groups[2];
    size_t pos = 0;
    size_t copied = 0;
    bool changed = false;
    next.clear();
    while (pos <= current.size() &&
           rule->re->Match(input, pos, current.size(), RE2::UNANCHORED, groups, 2)) {
      size_t start = static_cast<size_t>(groups[1].data() - current.data());
      size_t end = start + groups[1].size();
      size_t confirmed = rule->confirm(std::string_view(groups[1].data(), groups[1].size()));
      if (confirmed > 0) {
        next.append(current, copied, start - copied);
        next += '<';
        next += PiiTypeName(rule->type);
        next += '>';
        copied = start + confirmed;
        ++counts[rule->type];
        changed = true;
        end = start + confirmed;
      }
      // Resume after the span; an empty match must still move on.
      pos = end > pos ? end : pos + 1;
    }
    if (changed) {
      next.append(current, copied, std::string::npos);
      current.swap(next);
    }
  }
  return current;
}

void Redactor::RedactJson(nlohmann::ordered_json& document, RedactionCounts& counts) const {
  // An explicit stack: a hostile trace nested a million levels deep must not overflow ours.
  std::vector<nlohmann::ordered_json*> pending = {&document};
  while (!pending.empty()) {
    nlohmann::ordered_json* value = pending.back();
    pending.pop_back();
    if (value->is_string()) {
      const std::string& text = value->get_ref<const std::string&>();
      std::string redacted = Redact(text, counts);
      if (redacted != text) *value = std::move(redacted);
    } else if (value->is_structured()) {
      for (auto& child : *value) pending.push_back(&child);
    }
  }
}

}  // namespace arbiter
