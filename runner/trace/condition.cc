#include "runner/trace/condition.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "runner/base/json_util.h"

namespace arbiter {

// One node of the expression tree. `and`/`or` are n-ary so a long chain does not make a deep
// tree; only parentheses and `not` add depth, and the parser bounds that.
struct Condition::Node {
  enum class Kind { kOr, kAnd, kNot, kExists, kCompare };
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  struct Literal {
    enum class Kind { kNull, kBool, kNumber, kString };
    Kind kind = Kind::kNull;
    bool boolean = false;
    double number = 0;
    std::optional<int64_t> integer;  // set when the literal is an integer that fits int64
    std::string string;
  };

  Kind kind = Kind::kCompare;
  std::vector<std::unique_ptr<const Node>> children;  // kOr, kAnd: 2+; kNot: 1
  TracePath path;                                     // kExists, kCompare
  Op op = Op::kEq;                                    // kCompare
  Literal value;                                      // kCompare
};

namespace {

using Node = Condition::Node;
using Literal = Node::Literal;

constexpr int kMaxDepth = 64;  // levels of `not` and parentheses

template <typename T>
int Sign(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

std::optional<int> CompareDouble(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::nullopt;
  return Sign(a, b);
}

std::optional<int> CompareInt(int64_t a, const Literal& lit) {
  if (lit.integer) return Sign(a, *lit.integer);
  return CompareDouble(static_cast<double>(a), lit.number);
}

std::optional<int> CompareUint(uint64_t a, const Literal& lit) {
  if (a <= static_cast<uint64_t>(INT64_MAX)) return CompareInt(static_cast<int64_t>(a), lit);
  if (lit.integer) return 1;  // above every int64
  return CompareDouble(static_cast<double>(a), lit.number);
}

// Three-way comparison of a trace value with a number literal; nullopt when the value is not a
// number (nor a string holding one). Integers, also in strings, compare exactly.
std::optional<int> CompareNumber(simdjson::dom::element element, const Literal& lit) {
  int64_t i = 0;
  uint64_t u = 0;
  switch (element.type()) {
    case simdjson::dom::element_type::INT64:
      if (element.get_int64().get(i)) return std::nullopt;
      return CompareInt(i, lit);
    case simdjson::dom::element_type::UINT64:
      if (element.get_uint64().get(u)) return std::nullopt;
      return CompareUint(u, lit);
    case simdjson::dom::element_type::STRING: {
      std::string_view text;
      if (element.get_string().get(text)) return std::nullopt;
      const char* end = text.data() + text.size();
      if (auto [p, ec] = std::from_chars(text.data(), end, i); ec == std::errc() && p == end) {
        return CompareInt(i, lit);
      }
      if (auto [p, ec] = std::from_chars(text.data(), end, u); ec == std::errc() && p == end) {
        return CompareUint(u, lit);
      }
      break;
    }
    default:
      break;
  }
  std::optional<double> d = ElementNumber(element);
  if (!d) return std::nullopt;
  return CompareDouble(*d, lit.number);
}

// Three-way comparison of the value at the node's path with its literal; nullopt when the two
// are of different kinds (then only `!=` holds).
std::optional<int> CompareAt(const Node& node, simdjson::dom::element root) {
  std::optional<simdjson::dom::element> found = node.path.Lookup(root);
  const bool absent = !found || found->is_null();
  const Literal& lit = node.value;
  if (lit.kind == Literal::Kind::kNull) return absent ? std::optional<int>(0) : std::nullopt;
  if (absent) return std::nullopt;
  switch (lit.kind) {
    case Literal::Kind::kBool: {
      bool b = false;
      if (found->get_bool().get(b)) return std::nullopt;
      return b == lit.boolean ? 0 : 1;
    }
    case Literal::Kind::kNumber:
      return CompareNumber(*found, lit);
    case Literal::Kind::kString: {
      std::string_view s;
      if (found->get_string().get(s)) return std::nullopt;
      int c = s.compare(lit.string);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Literal::Kind::kNull:
      break;
  }
  return std::nullopt;
}

bool Eval(const Node& node, simdjson::dom::element root) {
  switch (node.kind) {
    case Node::Kind::kOr:
      for (const auto& child : node.children) {
        if (Eval(*child, root)) return true;
      }
      return false;
    case Node::Kind::kAnd:
      for (const auto& child : node.children) {
        if (!Eval(*child, root)) return false;
      }
      return true;
    case Node::Kind::kNot:
      return !Eval(*node.children[0], root);
    case Node::Kind::kExists: {
      std::optional<simdjson::dom::element> found = node.path.Lookup(root);
      return found && !found->is_null();
    }
    case Node::Kind::kCompare: {
      std::optional<int> c = CompareAt(node, root);
      switch (node.op) {
        case Node::Op::kEq:
          return c && *c == 0;
        case Node::Op::kNe:
          return !(c && *c == 0);
        case Node::Op::kLt:
          return c && *c < 0;
        case Node::Op::kLe:
          return c && *c <= 0;
        case Node::Op::kGt:
          return c && *c > 0;
        case Node::Op::kGe:
          return c && *c >= 0;
      }
    }
  }
  return false;
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$';
}

bool IsOpChar(char c) { return c == '=' || c == '!' || c == '<' || c == '>'; }

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

constexpr std::string_view kKeywords[] = {"and", "or", "not", "exists", "true", "false", "null"};

bool IsKeyword(std::string_view word) {
  for (std::string_view keyword : kKeywords) {
    if (word == keyword) return true;
  }
  return false;
}

// Recursive descent over
//   or    := and ('or' and)*
//   and   := unary ('and' unary)*
//   unary := 'not' unary | '(' or ')' | 'exists' '(' PATH ')' | PATH OP VALUE
// Every method returns null (or false) once an error is recorded; the first error is kept.
class ConditionParser {
 public:
  explicit ConditionParser(std::string_view text) : text_(text) {}

  std::unique_ptr<const Node> Parse() {
    std::unique_ptr<const Node> root = ParseOr("", 0);
    if (!root) return nullptr;
    SkipSpace();
    if (AtEnd()) return root;
    if (text_[pos_] == ')') {
      return Fail(pos_, "unbalanced parenthesis: ')' without a matching '('");
    }
    return Fail(pos_, "expected 'and', 'or' or the end of the condition, found " + Found());
  }

  const Status& error() const { return error_; }
  std::vector<TracePath> TakePaths() { return std::move(paths_); }

 private:
  std::nullptr_t Fail(size_t pos, const std::string& reason) {
    if (error_.ok()) {
      error_ = Status::InvalidArgument("column " + std::to_string(pos + 1) + ": " + reason);
    }
    return nullptr;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }

  // True when `word` starts at pos_ as a whole word (`and` but not `android`).
  bool AtKeyword(std::string_view word) const {
    if (!text_.substr(pos_).starts_with(word)) return false;
    size_t end = pos_ + word.size();
    return end == text_.size() || !IsWordChar(text_[end]);
  }

  // The token at pos_, quoted, for error messages.
  std::string Found() const {
    if (AtEnd()) return "the end";
    size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    if (end == pos_) {  // one character, whole if it is UTF-8
      ++end;
      while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
      return Quote(text_.substr(pos_, end - pos_));
    }
    std::string_view word = text_.substr(pos_, end - pos_);
    std::string lower(word);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != word && IsKeyword(lower)) return Quote(word) + " (keywords are lower case)";
    return Quote(word);
  }

  static std::string After(std::string_view token) {
    return token.empty() ? "" : " after " + Quote(token);
  }

  // `first` alone, or an n-ary `kind` node of it and every operand joined by `keyword`.
  template <typename ParseOperand>
  std::unique_ptr<const Node> Chain(Node::Kind kind, std::string_view keyword,
                                    std::unique_ptr<const Node> first, ParseOperand parse) {
    std::unique_ptr<Node> chain;
    for (SkipSpace(); AtKeyword(keyword); SkipSpace()) {
      pos_ += keyword.size();
      std::unique_ptr<const Node> next = parse();
      if (!next) return nullptr;
      if (!chain) {
        chain = std::make_unique<Node>();
        chain->kind = kind;
        chain->children.push_back(std::move(first));
      }
      chain->children.push_back(std::move(next));
    }
    if (chain) return chain;
    return first;
  }

  std::unique_ptr<const Node> ParseOr(std::string_view after, int depth) {
    std::unique_ptr<const Node> first = ParseAnd(after, depth);
    if (!first) return nullptr;
    return Chain(Node::Kind::kOr, "or", std::move(first), [&] { return ParseAnd("or", depth); });
  }

  std::unique_ptr<const Node> ParseAnd(std::string_view after, int depth) {
    std::unique_ptr<const Node> first = ParseUnary(after, depth);
    if (!first) return nullptr;
    return Chain(Node::Kind::kAnd, "and", std::move(first),
                 [&] { return ParseUnary("and", depth); });
  }

  std::unique_ptr<const Node> ParseUnary(std::string_view after, int depth) {
    SkipSpace();
    if (AtEnd()) return Fail(pos_, "expected a condition" + After(after));
    bool nests = AtKeyword("not") || text_[pos_] == '(';
    if (nests && depth == kMaxDepth) {
      return Fail(pos_, "conditions nest deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    if (AtKeyword("not")) {
      pos_ += 3;
      std::unique_ptr<const Node> operand = ParseUnary("not", depth + 1);
      if (!operand) return nullptr;
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::kNot;
      node->children.push_back(std::move(operand));
      return node;
    }
    if (text_[pos_] == '(') {
      size_t open = pos_++;
      std::unique_ptr<const Node> inner = ParseOr("(", depth + 1);
      if (!inner) return nullptr;
      SkipSpace();
      if (AtEnd()) {
        return Fail(pos_, "unbalanced parenthesis: missing ')' for the '(' at column " +
                              std::to_string(open + 1));
      }
      if (text_[pos_] != ')') return Fail(pos_, "expected 'and', 'or' or ')', found " + Found());
      ++pos_;
      return inner;
    }
    if (AtKeyword("exists")) return ParseExists();
    for (std::string_view keyword : kKeywords) {
      if (AtKeyword(keyword)) {
        return Fail(pos_,
                    "expected a condition" + After(after) + ", found keyword " + Quote(keyword));
      }
    }
    if (!IsWordChar(text_[pos_]) && text_[pos_] != '[') {
      return Fail(pos_, "expected a condition" + After(after) + ", found " + Found());
    }
    return ParseComparison();
  }

  std::unique_ptr<const Node> ParseExists() {
    pos_ += std::string_view("exists").size();
    SkipSpace();
    if (AtEnd() || text_[pos_] != '(') return Fail(pos_, "expected '(' after 'exists'");
    ++pos_;
    SkipSpace();
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kExists;
    if (!ParsePath(node->path)) return nullptr;
    SkipSpace();
    if (AtEnd() || text_[pos_] != ')') {
      return Fail(pos_, "expected ')' after the path in exists(...), found " + Found());
    }
    ++pos_;
    return node;
  }

  std::unique_ptr<const Node> ParseComparison() {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kCompare;
    if (!ParsePath(node->path)) return nullptr;
    SkipSpace();
    size_t op_start = pos_;
    while (!AtEnd() && IsOpChar(text_[pos_])) ++pos_;
    std::string_view op = text_.substr(op_start, pos_ - op_start);
    if (op.empty()) {
      return Fail(op_start, "expected an operator (==, !=, <, <=, >, >=) after " +
                                Quote(node->path.text()) + (AtEnd() ? "" : ", found " + Found()));
    }
    static constexpr std::pair<std::string_view, Node::Op> kOps[] = {
        {"==", Node::Op::kEq}, {"!=", Node::Op::kNe}, {"<", Node::Op::kLt},
        {"<=", Node::Op::kLe}, {">", Node::Op::kGt},  {">=", Node::Op::kGe}};
    bool known = false;
    for (const auto& [name, value] : kOps) {
      if (op == name) {
        node->op = value;
        known = true;
      }
    }
    if (!known) {
      return Fail(op_start, "unknown operator " + Quote(op) +
                                (op == "=" ? " (use '==')" : " (use ==, !=, <, <=, >, >=)"));
    }
    SkipSpace();
    size_t value_start = pos_;
    if (!ParseValue(op, node->value)) return nullptr;
    bool ordering = node->op != Node::Op::kEq && node->op != Node::Op::kNe;
    if (ordering &&
        (node->value.kind == Literal::Kind::kBool || node->value.kind == Literal::Kind::kNull)) {
      return Fail(op_start, Quote(op) + " cannot compare with " +
                                std::string(text_.substr(value_start, pos_ - value_start)) +
                                ": true, false and null take only == and !=");
    }
    return node;
  }

  // A TracePath: the run of key characters, dots and [...] segments at pos_.
  bool ParsePath(TracePath& out) {
    size_t start = pos_;
    while (!AtEnd()) {
      char c = text_[pos_];
      if (IsWordChar(c) || c == '.') {
        ++pos_;
      } else if (c == '[') {
        size_t close = text_.find(']', pos_);
        pos_ = close == std::string_view::npos ? text_.size() : close + 1;
      } else {
        break;
      }
    }
    std::string_view text = text_.substr(start, pos_ - start);
    if (text.empty()) {
      Fail(start, "expected a path, found " + Found());
      return false;
    }
    Result<TracePath> path = TracePath::Parse(text);
    if (!path.ok()) {
      FailInPath(start, text, path.status().message());
      return false;
    }
    out = std::move(path).value();
    for (const TracePath& seen : paths_) {
      if (seen == out) return true;
    }
    paths_.push_back(out);
    return true;
  }

  // Rewrites TracePath's "bad path 'P' at column N: why" to a column of the whole condition.
  void FailInPath(size_t start, std::string_view path, const std::string& message) {
    std::string prefix = "bad path " + Quote(path) + " at column ";
    size_t column = 0;
    if (message.starts_with(prefix)) {
      const char* first = message.data() + prefix.size();
      const char* last = message.data() + message.size();
      auto [p, ec] = std::from_chars(first, last, column);
      if (ec == std::errc() && column > 0 && std::string_view(p, last - p).starts_with(": ")) {
        Fail(start + column - 1, "bad path " + Quote(path) + std::string(p, last - p));
        return;
      }
    }
    Fail(start, message);
  }

  bool ParseValue(std::string_view op, Literal& out) {
    if (AtEnd()) {
      Fail(pos_, "expected a value after " + Quote(op));
      return false;
    }
    char c = text_[pos_];
    if (c == '\'') return ParseString(out);
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      return ParseNumber(out);
    }
    if (AtKeyword("true") || AtKeyword("false")) {
      out.kind = Literal::Kind::kBool;
      out.boolean = AtKeyword("true");
      pos_ += out.boolean ? 4 : 5;
      return true;
    }
    if (AtKeyword("null")) {
      out.kind = Literal::Kind::kNull;
      pos_ += 4;
      return true;
    }
    Fail(pos_, "expected a value after " + Quote(op) +
                   " ('single-quoted string', number, true, false or null), found " + Found());
    return false;
  }

  bool ParseString(Literal& out) {
    size_t open = pos_++;
    out.kind = Literal::Kind::kString;
    for (;;) {
      if (AtEnd()) {
        Fail(open, "unterminated string: missing closing '");
        return false;
      }
      char c = text_[pos_++];
      if (c == '\'') return true;
      if (c == '\\') {
        if (AtEnd() || (text_[pos_] != '\'' && text_[pos_] != '\\')) {
          Fail(pos_ - 1, "unknown escape in string: only \\' and \\\\ are escapes");
          return false;
        }
        c = text_[pos_++];
      }
      out.string.push_back(c);
    }
  }

  // [+-] digits [. digits] [e [+-] digits], ending at a word boundary.
  bool ParseNumber(Literal& out) {
    const size_t start = pos_;
    size_t i = pos_;
    auto digits = [&] {
      size_t n = 0;
      for (; i < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i])); ++i) ++n;
      return n;
    };
    if (text_[i] == '+' || text_[i] == '-') ++i;
    size_t mantissa = digits();
    bool integral = true;
    if (i < text_.size() && text_[i] == '.') {
      ++i;
      integral = false;
      mantissa += digits();
    }
    bool ok = mantissa > 0;
    if (ok && i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
      ++i;
      integral = false;
      if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) ++i;
      ok = digits() > 0;
    }
    if (!ok || (i < text_.size() && (IsWordChar(text_[i]) || text_[i] == '.' || text_[i] == '['))) {
      size_t end = start;
      while (end < text_.size() && !IsSpace(text_[end]) && text_[end] != ')') ++end;
      Fail(start, "bad number " + Quote(text_.substr(start, end - start)));
      return false;
    }
    std::string_view number = text_.substr(start, i - start);
    std::string_view digits_only = number.front() == '+' ? number.substr(1) : number;
    const char* first = digits_only.data();
    const char* last = first + digits_only.size();
    out.kind = Literal::Kind::kNumber;
    int64_t integer = 0;
    if (integral && std::from_chars(first, last, integer).ec == std::errc()) {
      out.integer = integer;
      out.number = static_cast<double>(integer);
    } else if (std::from_chars(first, last, out.number).ec != std::errc()) {
      Fail(start, "number " + Quote(number) + " is out of range");
      return false;
    }
    pos_ = i;
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  Status error_;
  std::vector<TracePath> paths_;
};

}  // namespace

Result<Condition> Condition::Parse(std::string_view text) {
  ConditionParser parser(text);
  std::unique_ptr<const Node> root = parser.Parse();
  if (!root) return parser.error();
  Condition condition;
  condition.text_ = std::string(text);
  condition.root_ = std::move(root);
  condition.paths_ = parser.TakePaths();
  return condition;
}

bool Condition::Matches(simdjson::dom::element root) const {
  return root_ == nullptr || Eval(*root_, root);
}

}  // namespace arbiter
