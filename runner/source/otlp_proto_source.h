// OTLP/protobuf trace files: one serialized ExportTraceServiceRequest (or TracesData, the same
// fields), or a sequence of them each preceded by its length as 4 bytes big-endian (what the
// Collector's file exporter writes with `format: proto`); gzip-compressed or not. Spans are
// assembled and mapped exactly as OTLP/JSON (otlp_source.h, otlp/mapping.h).
//
// A record's line is the 1-based index of the message that brought the trace's first span
// (a protobuf file has no lines). The file is read whole: protobuf files are request-sized.
#pragma once

#include <memory>
#include <string>

#include "runner/base/status.h"
#include "runner/source/otlp/assembler.h"
#include "runner/source/trace_source.h"

namespace arbiter {

// True when the file's first byte (after gzip decompression) can only begin a protobuf request:
// 0x0a (field 1, length-delimited) or 0x00 (a length prefix under 16 MiB). JSON begins with '{',
// blanks or a byte-order mark. False for streams, which cannot be peeked at without consuming.
bool LooksLikeOtlpProto(const std::string& path);

// A source over the protobuf file at `path`.
Result<std::unique_ptr<TraceSource>> OpenOtlpProtoSource(const std::string& path,
                                                         const SourceOptions& options,
                                                         const OtlpAssemblyOptions& assembly);

}  // namespace arbiter
