#include "plugins/agent/citations_plugin.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <re2/re2.h>

#include "runner/base/json_util.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/plugin_api/text_target.h"

namespace arbiter {
namespace {

constexpr char kParamsSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "pattern": {"type": "string", "minLength": 1, "default": "\\[(doc\\d+)\\]",
                "description": "RE2; each match is a citation, capture group 1 the document id."},
    "verbatim_quotes": {"type": "boolean", "default": false,
                        "description": "Quoted spans must appear verbatim in a document."},
    "min_quote_words": {"type": "integer", "minimum": 1, "default": 4,
                        "description": "Shorter quoted spans are not checked."}
  }
})json";

constexpr char kDefaultPattern[] = R"(\[(doc\d+)\])";
constexpr long kDefaultMinQuoteWords = 4;
// Failure reasons list the valid ids when there are at most this many documents.
constexpr size_t kMaxListedIds = 5;

std::string Counted(size_t n, std::string_view noun) {
  std::string out = std::to_string(n) + " ";
  out.append(noun);
  if (n != 1) out += "s";
  return out;
}

std::string_view View(const re2::StringPiece& piece) {
  return std::string_view(piece.data(), piece.size());
}

// The trace's `retrieved_documents`, validated: every document an object whose `id` (when
// present) is a string or a number. nullopt when there are none (absent or null).
Result<std::optional<simdjson::dom::array>> RetrievedDocuments(const Trace& trace) {
  simdjson::dom::element value;
  if (trace.root()["retrieved_documents"].get(value) != simdjson::SUCCESS || value.is_null()) {
    return std::optional<simdjson::dom::array>();
  }
  simdjson::dom::array docs;
  if (value.get_array().get(docs) != simdjson::SUCCESS) {
    return Status::Corruption("retrieved_documents is not an array");
  }
  size_t index = 0;
  for (simdjson::dom::element doc : docs) {
    auto where = [&] { return "retrieved_documents[" + std::to_string(index) + "]"; };
    if (!doc.is_object()) return Status::Corruption(where() + " is not an object");
    simdjson::dom::element id;
    if (doc["id"].get(id) == simdjson::SUCCESS && !id.is_null() && !id.is_string() &&
        !id.is_number()) {
      return Status::Corruption(where() + ".id is neither a string nor a number");
    }
    ++index;
  }
  return std::optional<simdjson::dom::array>(docs);
}

// The id of a validated document: its `id` as text, or "doc<index>" when it has none. The view
// points into the trace or into `scratch`.
std::string_view DocumentId(simdjson::dom::element doc, size_t index, std::string& scratch) {
  simdjson::dom::element id;
  if (doc["id"].get(id) != simdjson::SUCCESS || id.is_null()) {
    scratch = "doc";
    scratch += std::to_string(index);
    return scratch;
  }
  if (std::optional<std::string_view> text = ElementString(id)) return *text;
  scratch = ElementText(id);  // a number's JSON text, short enough to stay in the SSO buffer
  return scratch;
}

bool HasDocument(const std::optional<simdjson::dom::array>& docs, std::string_view id) {
  if (!docs) return false;
  std::string scratch;
  size_t index = 0;
  for (simdjson::dom::element doc : *docs) {
    if (DocumentId(doc, index++, scratch) == id) return true;
  }
  return false;
}

// "the 3 retrieved documents (doc0, doc1, doc2)"; the ids only up to kMaxListedIds.
// REQUIRES: count > 0.
std::string DescribeDocuments(const std::optional<simdjson::dom::array>& docs, size_t count) {
  std::string out = "the " + Counted(count, "retrieved document");
  if (count > kMaxListedIds) return out;
  std::string scratch;
  size_t index = 0;
  for (simdjson::dom::element doc : *docs) {
    out += index == 0 ? " (" : ", ";
    out += DocumentId(doc, index++, scratch);
  }
  return out + ")";
}

size_t CountWords(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t space = WhitespaceLength(text, i);
    if (space > 0) {
      in_word = false;
      i += space;
    } else {
      words += !in_word;
      in_word = true;
      ++i;
    }
  }
  return words;
}

// `text` with each whitespace run replaced by one space and no leading or trailing whitespace.
void FoldWhitespace(std::string_view text, std::string& out) {
  out.clear();
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t space = WhitespaceLength(text, i);
    if (space > 0) {
      pending_space = !out.empty();
      i += space;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += text[i++];
  }
}

// True when `rest` (folded) matches `text` from byte `i`, a space in `rest` standing for any
// run of whitespace in `text`.
bool MatchesFoldedAt(std::string_view text, size_t i, std::string_view rest) {
  for (char c : rest) {
    if (c != ' ') {
      if (i >= text.size() || text[i] != c) return false;
      ++i;
      continue;
    }
    size_t space = i < text.size() ? WhitespaceLength(text, i) : 0;
    if (space == 0) return false;
    while (space > 0) {
      i += space;
      space = i < text.size() ? WhitespaceLength(text, i) : 0;
    }
  }
  return true;
}

// True when the folded, non-empty `quote` occurs in `text` with whitespace runs folded. Finds
// the quote's first word with string_view::find (memchr-accelerated), then checks the rest;
// no copy of `text` is made.
bool ContainsFolded(std::string_view text, std::string_view quote) {
  std::string_view head = quote.substr(0, quote.find(' '));
  for (size_t at = text.find(head); at != std::string_view::npos; at = text.find(head, at + 1)) {
    if (MatchesFoldedAt(text, at + head.size(), quote.substr(head.size()))) return true;
  }
  return false;
}

// Finds the next quoted span at or after `pos`: the text between straight double quotes, or
// between U+201C and U+201D (each opening quote closes with its own kind; an opening quote that
// is never closed is skipped). Sets `span` and moves `pos` past the closing quote. A hand scan:
// the equivalent RE2 pattern has no literal first byte and costs ~1 us per 200 bytes.
bool NextQuote(std::string_view text, size_t& pos, std::string_view& span) {
  constexpr std::string_view kOpenCurly = "\u201c", kCloseCurly = "\u201d";
  while (pos < text.size()) {
    size_t open = text.find_first_of("\"\xE2", pos);
    if (open == std::string_view::npos) return false;
    std::string_view closer = "\"";
    size_t start = open + 1;
    if (text[open] != '"') {
      if (text.compare(open, kOpenCurly.size(), kOpenCurly) != 0) {
        pos = open + 1;
        continue;
      }
      closer = kCloseCurly;
      start = open + kOpenCurly.size();
    }
    size_t close = text.find(closer, start);
    if (close == std::string_view::npos) {
      pos = open + 1;
      continue;
    }
    span = text.substr(start, close - start);
    pos = close + closer.size();
    return true;
  }
  return false;
}

bool FoundInDocuments(const std::optional<simdjson::dom::array>& docs, std::string_view quote) {
  if (!docs) return false;
  std::string scratch;
  for (simdjson::dom::element doc : *docs) {
    simdjson::dom::element content;
    if (doc["content"].get(content) != simdjson::SUCCESS || content.is_null()) continue;
    std::optional<std::string_view> text = ElementString(content);
    if (!text) {
      scratch = ElementText(content);
      text = scratch;
    }
    if (ContainsFolded(*text, quote)) return true;
  }
  return false;
}

class CitationsEvaluator : public Evaluator {
 public:
  CitationsEvaluator(TextTarget target, std::unique_ptr<RE2> pattern, bool verbatim_quotes,
                     size_t min_quote_words)
      : target_(std::move(target)),
        pattern_(std::move(pattern)),
        verbatim_quotes_(verbatim_quotes),
        min_quote_words_(min_quote_words) {}

  Result<Score> Evaluate(const Trace& trace, const EvalContext& /*ctx*/) const override {
    std::string scratch;
    ARBITER_ASSIGN_OR_RETURN(std::string_view text, target_.Text(trace, scratch));
    ARBITER_ASSIGN_OR_RETURN(std::optional<simdjson::dom::array> docs, RetrievedDocuments(trace));
    size_t doc_count = docs ? docs->size() : 0;

    size_t citations = 0;
    re2::StringPiece input(text.data(), text.size());
    re2::StringPiece match[2];
    for (size_t pos = 0; pos <= input.size() &&
                         pattern_->Match(input, pos, input.size(), RE2::UNANCHORED, match, 2);) {
      ++citations;
      // A group that did not take part has a null data(): the citation names the id "".
      if (!HasDocument(docs, View(match[1]))) {
        std::string cited(Excerpt(View(match[0])), 1);
        cited.pop_back();  // the excerpt without its quotes
        if (doc_count == 0) return Score{0.0, "cites " + cited + "; no documents retrieved"};
        return Score{0.0, "cites " + cited + ", not among " + DescribeDocuments(docs, doc_count)};
      }
      size_t end = static_cast<size_t>(match[0].data() - input.data()) + match[0].size();
      pos = match[0].empty() ? end + 1 : end;  // an empty match must not repeat forever
    }
    std::string reason = citations == 0 ? "no citations"
                         : citations == 1
                             ? "1 citation, among " + Counted(doc_count, "retrieved document")
                             : Counted(citations, "citation") + ", all among " +
                                   Counted(doc_count, "retrieved document");
    if (!verbatim_quotes_) return Score{1.0, std::move(reason)};

    size_t checked = 0;
    std::string quote;
    std::string_view span;
    for (size_t pos = 0; NextQuote(text, pos, span);) {
      if (CountWords(span) < min_quote_words_) continue;
      ++checked;
      FoldWhitespace(span, quote);
      if (!FoundInDocuments(docs, quote)) {
        std::string where = doc_count == 0 ? "; no documents retrieved"
                                           : " in " + DescribeDocuments(docs, doc_count);
        return Score{0.0, "quote " + Excerpt(quote) + " not found" + where};
      }
    }
    reason += checked == 0 ? "; no quotes of at least " + Counted(min_quote_words_, "word")
                           : "; " + Counted(checked, "quote") + " found verbatim";
    return Score{1.0, std::move(reason)};
  }

 private:
  TextTarget target_;
  std::unique_ptr<RE2> pattern_;
  bool verbatim_quotes_;
  size_t min_quote_words_;
};

Result<std::unique_ptr<Evaluator>> CreateCitations(const EvaluatorSpec& spec) {
  ParamReader params(spec);
  std::string pattern = params.String("pattern").value_or(kDefaultPattern);
  YAML::Node pattern_node = params.Node("pattern");
  bool verbatim_quotes = params.Bool("verbatim_quotes", false);
  std::optional<long> min_quote_words = params.Integer("min_quote_words");
  YAML::Node min_node = params.Node("min_quote_words");
  ARBITER_RETURN_IF_ERROR(params.Finish());

  if (min_quote_words && !verbatim_quotes) {
    return spec.ErrorAt(min_node, "min_quote_words needs verbatim_quotes: true");
  }
  if (min_quote_words && *min_quote_words < 1) {
    return spec.ErrorAt(min_node, "min_quote_words must be at least 1");
  }
  if (pattern.empty()) return spec.ErrorAt(pattern_node, "empty pattern");
  RE2::Options options;
  options.set_log_errors(false);  // errors are reported as values, not on stderr
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    return spec.ErrorAt(pattern_node, "bad pattern '" + pattern + "': " + re->error());
  }
  if (re->NumberOfCapturingGroups() < 1) {
    return spec.ErrorAt(pattern_node, "pattern '" + pattern +
                                          "' has no capture group; group 1 must capture the "
                                          "document id");
  }
  return std::unique_ptr<Evaluator>(std::make_unique<CitationsEvaluator>(
      TextTarget(spec), std::move(re), verbatim_quotes,
      static_cast<size_t>(min_quote_words.value_or(kDefaultMinQuoteWords))));
}

}  // namespace

PluginInfo CitationsPlugin() {
  PluginInfo info;
  info.name = "citations";
  info.version = 1;
  info.description =
      "Every citation names a retrieved document; optionally, quotations appear verbatim.";
  info.params_schema = kParamsSchema;
  info.create = CreateCitations;
  return info;
}

}  // namespace arbiter
