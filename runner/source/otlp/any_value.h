// Decoding the OTLP/JSON building blocks (AnyValue, KeyValue lists, ids, times) from a simdjson
// DOM into the plain values of otlp_span.h. OTLP/JSON is the protobuf JSON mapping with two
// OTLP-specific rules: ids are hex strings, and 64-bit integers may be JSON numbers or strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runner/source/otlp/span.h"

namespace arbiter {

// AnyValue -> JSON: stringValue and bytesValue (kept as its base64 text) -> string, boolValue ->
// bool, intValue (number or decimal string) -> integer, doubleValue (number, or a string such as
// "NaN" or "1.5" as protobuf's JSON mapping allows; non-finite values become null) -> double,
// arrayValue -> array, kvlistValue -> object, {} -> null. On a wrong type returns false and sets
// `problem` to the reason ("intValue \"x\" is not an integer"); `out` is then unspecified.
bool DecodeAnyValue(simdjson::dom::element value, OrderedJson& out, std::string& problem);

// A KeyValue list ("attributes": [{"key": ..., "value": AnyValue}, ...]) appended to `out`.
// `list` must be an array (else one problem, nothing decoded); an entry that cannot be decoded
// is left out and adds a problem naming its key, the others are kept.
void DecodeKeyValues(simdjson::dom::element list, std::string_view field, OtlpAttributes& out,
                     std::vector<std::string>& problems);

// A trace id (bytes = 16) or span id (bytes = 8) as lowercase hex. OTLP/JSON sends hex; some
// encoders use protobuf's default base64 instead, accepted when the length is right (24 or 12
// characters with padding, 22 or 11 without). False when neither form fits.
bool ParseOtlpId(std::string_view text, size_t bytes, std::string& hex);

// True when every hex digit of `hex` is '0' (an invalid id in OTLP, used as "no parent").
bool IsZeroId(std::string_view hex);

// A fixed64 time (startTimeUnixNano, ...) from a JSON number or a decimal string.
bool ParseUnixNano(simdjson::dom::element value, uint64_t& nanos);

}  // namespace arbiter
