// A JSON Schema (draft 7) compiled once by valijson, then checked against many values from many
// threads. The json_schema plugin's engine: what the YAML says is the plugin's business.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "runner/base/status.h"

namespace valijson {
class Schema;
}

namespace arbiter {

// What a check found.
struct SchemaVerdict {
  enum class Kind { kValid, kInvalid, kNotJson };
  Kind kind = Kind::kValid;
  // kInvalid: the first violation, "/items/0/price: expected type number, got string" (the JSON
  // pointer of the offending value, omitted at the root; the description cut at 120 code
  // points). kNotJson: the parser's diagnosis with its offset (see ParseJsonText).
  std::string detail;

  bool valid() const { return kind == Kind::kValid; }
};

class CompiledSchema {
 public:
  // Compiles `schema`. Refused, with a message and (when known) `*where` set to the JSON
  // pointer of the offending part of the schema:
  //   - a schema that is not an object;
  //   - a `$ref` to another document: nothing is fetched (no network, and a score must not
  //     depend on a server); local references ("#/definitions/x") are fine;
  //   - a `multipleOf` of 0 or less;
  //   - a `$ref` loop that never descends into the value (see ref_cycles.h);
  //   - a `pattern` or `patternProperties` key that std::regex (ECMAScript, what valijson
  //     matches with) rejects, which valijson would otherwise only find on the first trace;
  //   - whatever valijson's parser rejects (its message).
  static Result<CompiledSchema> Compile(nlohmann::json schema, std::string* where = nullptr);

  // Checks a value already parsed (a trace's tool-call arguments, an object `output`).
  // Thread-safe. An error Status only when valijson itself fails mid-check: the host records an
  // error row. (`format`, which valijson would read from any value, applies to strings only,
  // as draft 7 says.)
  Result<SchemaVerdict> Validate(simdjson::dom::element value) const;

  // Parses `text` as JSON, then checks it; not JSON is Kind::kNotJson, with the offset of the
  // fault counted from `offset_base`. Thread-safe (a simdjson parser per thread). An error
  // Status also when nlohmann reads the text and simdjson cannot (nested deeper than 1024).
  Result<SchemaVerdict> ValidateText(std::string_view text, size_t offset_base = 0) const;

 private:
  CompiledSchema(std::shared_ptr<const nlohmann::json> json,
                 std::shared_ptr<const valijson::Schema> schema)
      : json_(std::move(json)), schema_(std::move(schema)) {}

  // The schema as written: the compiled form keeps no path back to it, and a type violation's
  // message names the expected type from it.
  std::shared_ptr<const nlohmann::json> json_;
  std::shared_ptr<const valijson::Schema> schema_;  // immutable once compiled
};

}  // namespace arbiter
