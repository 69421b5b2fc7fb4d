#include "runner/source/otlp/proto.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <mutex>

#if __has_include(<google/protobuf/stubs/logging.h>)
#include <google/protobuf/stubs/logging.h>
#endif
// protobuf before 22 logs through a handler of its own that SetLogHandler replaces; from 22 on
// it logs through Abseil, and parse problems stay on stderr.
#if defined(GOOGLE_PROTOBUF_VERSION) && GOOGLE_PROTOBUF_VERSION < 4022000
#define ARBITER_PROTOBUF_LOG_HANDLER 1
#endif

namespace arbiter {
namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

constexpr char kHex[] = "0123456789abcdef";

std::string Hex(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool Unhex(std::string_view hex, std::string& bytes) {
  if (hex.size() % 2 != 0) return false;
  bytes.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int high = digit(hex[i]), low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes += static_cast<char>(high * 16 + low);
  }
  return true;
}

// Standard base64 with padding: how OTLP/JSON carries bytesValue, which the JSON reader keeps as
// text; protobuf bytes are shown the same way so both inputs map alike.
std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Nesting deeper than this is cut to null: a hostile message must not exhaust the stack (protobuf
// itself stops parsing at 100 levels).
constexpr int kMaxDepth = 64;

OrderedJson ToJson(const common::AnyValue& value, int depth) {
  if (depth > kMaxDepth) return nullptr;
  switch (value.value_case()) {
    case common::AnyValue::kStringValue:
      return value.string_value();
    case common::AnyValue::kBoolValue:
      return value.bool_value();
    case common::AnyValue::kIntValue:
      return value.int_value();
    case common::AnyValue::kDoubleValue:
      if (!std::isfinite(value.double_value())) return nullptr;
      return value.double_value();
    case common::AnyValue::kBytesValue:
      return Base64(value.bytes_value());
    case common::AnyValue::kArrayValue: {
      OrderedJson array = OrderedJson::array();
      for (const common::AnyValue& item : value.array_value().values()) {
        array.push_back(ToJson(item, depth + 1));
      }
      return array;
    }
    case common::AnyValue::kKvlistValue: {
      OrderedJson object = OrderedJson::object();
      for (const common::KeyValue& entry : value.kvlist_value().values()) {
        object[entry.key()] = ToJson(entry.value(), depth + 1);
      }
      return object;
    }
    case common::AnyValue::VALUE_NOT_SET:
      break;
  }
  return nullptr;
}

void ReadAttributes(const google::protobuf::RepeatedPtrField<common::KeyValue>& list,
                    OtlpAttributes& out) {
  out.reserve(out.size() + list.size());
  for (const common::KeyValue& entry : list) {
    out.push_back(OtlpAttribute{entry.key(), ToJson(entry.value(), 0)});
  }
}

bool ReadId(const std::string& bytes, size_t size, bool optional, const char* field,
            const std::string& place, std::string& hex, std::vector<std::string>& problems) {
  if (bytes.empty() && optional) {
    hex.clear();
    return true;
  }
  if (bytes.size() != size) {
    problems.push_back(place + ": " + field + " is " + std::to_string(bytes.size()) +
                       " bytes, not " + std::to_string(size));
    return false;
  }
  hex = Hex(bytes);
  if (hex.find_first_not_of('0') == std::string::npos) {
    if (optional) {
      hex.clear();  // an all-zero parent means "no parent"
      return true;
    }
    problems.push_back(place + ": " + field + " is all zeros");
    return false;
  }
  return true;
}

void ReadSpans(const google::protobuf::RepeatedPtrField<trace::Span>& list,
               const std::string& place, const std::shared_ptr<const OtlpAttributes>& resource,
               std::vector<OtlpSpan>& spans, std::vector<std::string>& problems) {
  size_t index = 0;
  for (const trace::Span& span : list) {
    std::string here = place + ".spans[" + std::to_string(index++) + "]";
    if (!span.name().empty()) here += " (\"" + span.name().substr(0, 64) + "\")";
    OtlpSpan out;
    if (!ReadId(span.trace_id(), 16, false, "traceId", here, out.trace_id, problems) ||
        !ReadId(span.span_id(), 8, false, "spanId", here, out.span_id, problems) ||
        !ReadId(span.parent_span_id(), 8, true, "parentSpanId", here, out.parent_span_id,
                problems)) {
      continue;
    }
    out.name = span.name();
    out.start_unix_nano = span.start_time_unix_nano();
    out.end_unix_nano = span.end_time_unix_nano();
    switch (span.status().code()) {
      case trace::Status::STATUS_CODE_OK:
        out.status = OtlpStatusCode::kOk;
        break;
      case trace::Status::STATUS_CODE_ERROR:
        out.status = OtlpStatusCode::kError;
        break;
      default:
        out.status = OtlpStatusCode::kUnset;
    }
    out.status_message = span.status().message();
    ReadAttributes(span.attributes(), out.attributes);
    out.events.reserve(span.events_size());
    for (const trace::Span::Event& event : span.events()) {
      OtlpEvent decoded;
      decoded.name = event.name();
      decoded.time_unix_nano = event.time_unix_nano();
      ReadAttributes(event.attributes(), decoded.attributes);
      out.events.push_back(std::move(decoded));
    }
    out.resource = resource;
    spans.push_back(std::move(out));
  }
}

void SetAnyValue(const OrderedJson& json, common::AnyValue& out, int depth) {
  if (depth > kMaxDepth) return;
  switch (json.type()) {
    case OrderedJson::value_t::string:
      out.set_string_value(json.get_ref<const std::string&>());
      break;
    case OrderedJson::value_t::boolean:
      out.set_bool_value(json.get<bool>());
      break;
    case OrderedJson::value_t::number_integer:
      out.set_int_value(json.get<int64_t>());
      break;
    case OrderedJson::value_t::number_unsigned: {
      uint64_t value = json.get<uint64_t>();
      if (value <= uint64_t(std::numeric_limits<int64_t>::max())) {
        out.set_int_value(static_cast<int64_t>(value));
      } else {
        out.set_double_value(static_cast<double>(value));
      }
      break;
    }
    case OrderedJson::value_t::number_float:
      out.set_double_value(json.get<double>());
      break;
    case OrderedJson::value_t::array: {
      common::ArrayValue* array = out.mutable_array_value();
      for (const OrderedJson& item : json) SetAnyValue(item, *array->add_values(), depth + 1);
      break;
    }
    case OrderedJson::value_t::object: {
      common::KeyValueList* list = out.mutable_kvlist_value();
      for (auto it = json.begin(); it != json.end(); ++it) {
        common::KeyValue* entry = list->add_values();
        entry->set_key(it.key());
        SetAnyValue(it.value(), *entry->mutable_value(), depth + 1);
      }
      break;
    }
    default:  // null, discarded: an empty AnyValue
      break;
  }
}

void WriteAttributes(const OtlpAttributes& attributes,
                     google::protobuf::RepeatedPtrField<common::KeyValue>& out) {
  out.Reserve(static_cast<int>(attributes.size()));
  for (const OtlpAttribute& attribute : attributes) {
    common::KeyValue* entry = out.Add();
    entry->set_key(attribute.key);
    SetAnyValue(attribute.value, *entry->mutable_value(), 0);
  }
}

}  // namespace

void ReadOtlpProto(const OtlpExportRequest& request, std::vector<OtlpSpan>& spans,
                   std::vector<std::string>& problems) {
  size_t r = 0;
  for (const trace::ResourceSpans& resource_spans : request.resource_spans()) {
    std::string place = "resourceSpans[" + std::to_string(r++) + "]";
    auto resource = std::make_shared<OtlpAttributes>();
    ReadAttributes(resource_spans.resource().attributes(), *resource);
    std::shared_ptr<const OtlpAttributes> shared = std::move(resource);
    size_t s = 0;
    for (const trace::ScopeSpans& scope : resource_spans.scope_spans()) {
      ReadSpans(scope.spans(), place + ".scopeSpans[" + std::to_string(s++) + "]", shared, spans,
                problems);
    }
    s = 0;
    for (const trace::InstrumentationLibrarySpans& scope :
         resource_spans.instrumentation_library_spans()) {
      ReadSpans(scope.spans(), place + ".instrumentationLibrarySpans[" + std::to_string(s++) + "]",
                shared, spans, problems);
    }
  }
}

std::string OtlpHexId(const std::string& bytes) { return Hex(bytes); }

size_t KeepOtlpSpans(OtlpExportRequest& request,
                     const std::function<bool(const std::string& trace_id)>& keep) {
  size_t kept = 0;
  auto* resources = request.mutable_resource_spans();
  for (trace::ResourceSpans& resource : *resources) {
    auto* scopes = resource.mutable_scope_spans();
    for (trace::ScopeSpans& scope : *scopes) {
      auto* spans = scope.mutable_spans();
      spans->erase(std::remove_if(spans->begin(), spans->end(),
                                  [&](const trace::Span& span) { return !keep(span.trace_id()); }),
                   spans->end());
      kept += static_cast<size_t>(spans->size());
    }
    scopes->erase(
        std::remove_if(scopes->begin(), scopes->end(),
                       [](const trace::ScopeSpans& scope) { return scope.spans().empty(); }),
        scopes->end());
  }
  resources->erase(std::remove_if(resources->begin(), resources->end(),
                                  [](const trace::ResourceSpans& resource) {
                                    return resource.scope_spans().empty() &&
                                           resource.instrumentation_library_spans().empty();
                                  }),
                   resources->end());
  return kept;
}

namespace {

thread_local std::string last_parse_problem;

#ifdef ARBITER_PROTOBUF_LOG_HANDLER
google::protobuf::LogHandler* default_log_handler = nullptr;

// Keeps the problems protobuf finds while parsing a message (a string field that is not UTF-8,
// checked in wire_format_lite.cc) for the parsing thread's caller, on every path: ours, and
// gRPC's own parse of an Export call, which answers INTERNAL without a word. Anything else goes
// where protobuf would have sent it.
void KeepParseProblem(google::protobuf::LogLevel level, const char* filename, int line,
                      const std::string& message) {
  std::string_view file(filename == nullptr ? "" : filename);
  if (level < google::protobuf::LOGLEVEL_FATAL && file.ends_with("wire_format_lite.cc")) {
    last_parse_problem = message;
    while (!last_parse_problem.empty() && last_parse_problem.back() == ' ') {
      last_parse_problem.pop_back();
    }
    return;
  }
  if (default_log_handler != nullptr) default_log_handler(level, filename, line, message);
}
#endif

}  // namespace

void KeepProtobufLogsOffStderr() {
#ifdef ARBITER_PROTOBUF_LOG_HANDLER
  static std::once_flag once;
  std::call_once(once,
                 [] { default_log_handler = google::protobuf::SetLogHandler(&KeepParseProblem); });
#endif
}

std::string LastOtlpParseProblem() { return last_parse_problem; }

std::string WithOtlpParseProblem(std::string message) {
  if (!last_parse_problem.empty()) message += ": " + last_parse_problem;
  return message;
}

bool ParseOtlpRequest(std::string_view bytes, OtlpExportRequest& request) {
  KeepProtobufLogsOffStderr();
  last_parse_problem.clear();
  return bytes.size() <= size_t(std::numeric_limits<int>::max()) &&
         request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

OtlpExportRequest* ParseOtlpRequest(std::string_view bytes, google::protobuf::Arena& arena) {
  auto* request = google::protobuf::Arena::CreateMessage<OtlpExportRequest>(&arena);
  return ParseOtlpRequest(bytes, *request) ? request : nullptr;
}

bool ReadOtlpProtoBytes(std::string_view bytes, std::vector<OtlpSpan>& spans,
                        std::vector<std::string>& problems) {
  google::protobuf::Arena arena;
  const OtlpExportRequest* request = ParseOtlpRequest(bytes, arena);
  if (request == nullptr) return false;
  ReadOtlpProto(*request, spans, problems);
  return true;
}

void WriteOtlpProto(const std::vector<OtlpSpan>& spans, OtlpExportRequest& request) {
  const OtlpAttributes* current = nullptr;
  trace::ScopeSpans* scope = nullptr;
  for (const OtlpSpan& span : spans) {
    if (scope == nullptr || span.resource.get() != current) {
      current = span.resource.get();
      trace::ResourceSpans* resource_spans = request.add_resource_spans();
      if (current != nullptr) {
        WriteAttributes(*current, *resource_spans->mutable_resource()->mutable_attributes());
      }
      scope = resource_spans->add_scope_spans();
    }
    trace::Span* out = scope->add_spans();
    std::string bytes;
    if (Unhex(span.trace_id, bytes)) out->set_trace_id(bytes);
    if (Unhex(span.span_id, bytes)) out->set_span_id(bytes);
    if (!span.parent_span_id.empty() && Unhex(span.parent_span_id, bytes)) {
      out->set_parent_span_id(bytes);
    }
    out->set_name(span.name);
    out->set_start_time_unix_nano(span.start_unix_nano);
    out->set_end_time_unix_nano(span.end_unix_nano);
    WriteAttributes(span.attributes, *out->mutable_attributes());
    for (const OtlpEvent& event : span.events) {
      trace::Span::Event* written = out->add_events();
      written->set_name(event.name);
      written->set_time_unix_nano(event.time_unix_nano);
      WriteAttributes(event.attributes, *written->mutable_attributes());
    }
    if (span.status != OtlpStatusCode::kUnset || !span.status_message.empty()) {
      trace::Status* status = out->mutable_status();
      status->set_code(static_cast<trace::Status::StatusCode>(span.status));
      status->set_message(span.status_message);
    }
  }
}

}  // namespace arbiter
