#include "runner/redact/redactor.h"

#include <cstdlib>
#include <optional>
#include <set>

#include <re2/re2.h>

#include "runner/redact/rules.h"

namespace arbiter {

struct Redactor::Rule {
  std::shared_ptr<const RE2> re;
  int group;  // the capture group that is the span: 1 for built-ins, 0 (the match) for custom
  size_t (*confirm)(std::string_view span);
  std::string placeholder;  // "<EMAIL>"
  std::optional<PiiType> builtin;
  std::string name;  // a custom type's name, its key in RedactionCounts::custom

  void Count(RedactionCounts& counts) const {
    if (builtin) {
      ++counts[*builtin];
      return;
    }
    auto it = counts.custom.find(name);
    if (it == counts.custom.end()) it = counts.custom.emplace(name, 0).first;
    ++it->second;
  }
};

namespace {

size_t WholeMatch(std::string_view span) { return span.size(); }

std::string Placeholder(std::string_view name) { return "<" + std::string(name) + ">"; }

}  // namespace

const char* PiiTypeName(PiiType type) {
  switch (type) {
    case PiiType::kSecret:
      return "SECRET";
    case PiiType::kEmail:
      return "EMAIL";
    case PiiType::kIban:
      return "IBAN";
    case PiiType::kNationalId:
      return "NATIONAL_ID";
    case PiiType::kCard:
      return "CARD";
    case PiiType::kIp:
      return "IP";
    case PiiType::kPhone:
      return "PHONE";
  }
  return "PII";
}

uint64_t RedactionCounts::Of(std::string_view name) const {
  for (size_t i = 0; i < kPiiTypeCount; ++i) {
    if (name == PiiTypeName(static_cast<PiiType>(i))) return by_type[i];
  }
  auto it = custom.find(name);
  return it == custom.end() ? 0 : it->second;
}

void RedactionCounts::Add(const RedactionCounts& other) {
  for (size_t i = 0; i < kPiiTypeCount; ++i) by_type[i] += other.by_type[i];
  for (const auto& [name, count] : other.custom) custom[name] += count;
}

Redactor::Redactor() {
  RE2::Options options;
  options.set_log_errors(false);
  for (const BuiltinRule& rule : BuiltinRules()) {
    auto re = std::make_shared<const RE2>(rule.pattern, options);
    // The patterns are fixed text compiled into the binary; a typo is a programming error.
    if (!re->ok()) std::abort();
    rules_.push_back(std::make_unique<Rule>(Rule{std::move(re), 1, rule.confirm,
                                                 Placeholder(PiiTypeName(rule.type)), rule.type,
                                                 PiiTypeName(rule.type)}));
  }
}

Result<Redactor> Redactor::Create(const RedactOptions& options) {
  Redactor redactor;
  std::vector<std::unique_ptr<Rule>> rules;
  std::set<std::string> seen;
  for (const RedactPattern& pattern : options.patterns) {
    std::string context = "redact pattern " + pattern.name + ": ";
    ARBITER_RETURN_IF_ERROR(CheckRedactName(pattern.name).WithContext(context));
    if (!seen.insert(pattern.name).second) {
      return Status::InvalidArgument(context + "defined twice");
    }
    Result<std::shared_ptr<const RE2>> re = CompileRedactPattern(pattern.pattern);
    if (!re.ok()) return re.status().WithContext(context);
    rules.push_back(std::make_unique<Rule>(
        Rule{*re, 0, WholeMatch, Placeholder(pattern.name), std::nullopt, pattern.name}));
    redactor.custom_names_.push_back(pattern.name);
  }
  // Custom rules first (RedactOptions::patterns says why), then the built-in ones.
  for (auto& rule : redactor.rules_) rules.push_back(std::move(rule));
  redactor.rules_ = std::move(rules);
  return redactor;
}

Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

std::vector<std::string> Redactor::TypeNames() const {
  std::vector<std::string> names;
  for (size_t i = 0; i < kPiiTypeCount; ++i) names.push_back(PiiTypeName(static_cast<PiiType>(i)));
  names.insert(names.end(), custom_names_.begin(), custom_names_.end());
  return names;
}

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
    // Each search starts where the last match ended, so a rule reads its text once.
    while (pos <= current.size() &&
           rule->re->Match(input, pos, current.size(), RE2::UNANCHORED, groups, rule->group + 1)) {
      const re2::StringPiece& span = groups[rule->group];
      size_t end = static_cast<size_t>(groups[0].data() - current.data()) + groups[0].size();
      if (span.data() != nullptr) {
        size_t start = static_cast<size_t>(span.data() - current.data());
        end = start + span.size();
        size_t confirmed = rule->confirm(std::string_view(span.data(), span.size()));
        if (confirmed > 0) {
          next.append(current, copied, start - copied);
          next += rule->placeholder;
          copied = start + confirmed;
          rule->Count(counts);
          changed = true;
          end = start + confirmed;
        }
      }
      // Resume after the span (or the skipped text); an empty match must still move on.
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
    } else if (value->is_object()) {
      for (auto& [key, child] : value->items()) {
        // Identities, not content: labels join on the trace_id, and OTLP span ids are hex that
        // an all-digit draw can make look like a card number.
        bool identity = (value == &document && key == "trace_id") || key == "span_id" ||
                        key == "parent_span_id";
        if (!(identity && child.is_string())) pending.push_back(&child);
      }
    } else if (value->is_array()) {
      for (auto& child : *value) pending.push_back(&child);
    }
  }
}

Result<Redactor> PolicyRedactor(const std::string& policy) {
  RedactOptions options;
  if (!policy.empty()) {
    ARBITER_ASSIGN_OR_RETURN(RedactOptions loaded, LoadRedactOptions(policy));
    options = std::move(loaded);
  }
  return Redactor::Create(options);
}

std::string FormatRedactionCounts(const Redactor& redactor, const RedactionCounts& counts) {
  std::string text;
  for (const std::string& name : redactor.TypeNames()) {
    text += (text.empty() ? "" : ", ") + name + " " + std::to_string(counts.Of(name));
  }
  return text;
}

}  // namespace arbiter
