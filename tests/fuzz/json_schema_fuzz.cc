// The JSON Schema compiler on arbitrary schemas ($ref loops, patterns, keywords of every kind),
// then the compiled schema against a value: the input is the schema, a line "----", the value.
#include <nlohmann/json.hpp>

#include "runner/plugin_api/json_schema/compiled_schema.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arbiter;
  auto [schema_text, value_text] = fuzz::SplitAt(fuzz::AsText(data, size), "\n----\n");
  nlohmann::json schema = nlohmann::json::parse(schema_text, nullptr, /*allow_exceptions=*/false);
  if (schema.is_discarded()) return 0;
  Result<CompiledSchema> compiled = CompiledSchema::Compile(std::move(schema));
  if (compiled.ok()) (void)compiled->ValidateText(value_text);
  return 0;
}
