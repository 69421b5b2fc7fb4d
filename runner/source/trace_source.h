// Where traces come from: a stream of records, each the JSON text of one trace (SPEC "Trace
// format") or a problem to report. Sources run on the reader thread; parsing and validating the
// JSON happens later on the workers, so a source only splits and assembles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/input_hash.h"
#include "runner/base/status.h"
#include "runner/source/otlp/mapping_options.h"

namespace arbiter {

struct TraceRecord {
  // One trace as JSON text (empty when `error` is set). A view into the source's buffer, valid
  // until the next Next(): the pipeline copies it once, into the batch it sends to a worker...
  std::string_view json;
  // ... unless `owner` is set: then `json` lies in memory that `owner` keeps alive, followed by
  // simdjson::SIMDJSON_PADDING readable bytes, and the batch holds `owner` instead of copying
  // (a plain file's blocks, block_jsonl_source.h).
  std::shared_ptr<const void> owner;
  uint64_t line = 0;  // 1-based line in the source where the trace starts
  std::string error;  // non-empty: the record could not be read; report "file:line: error"
};

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  // The next record; false at the end of input or on an I/O error (see status()).
  virtual bool Next(TraceRecord& record) = 0;
  // OK, or the I/O error that ended the stream (a runtime failure, not a skipped trace).
  virtual Status status() const = 0;
  // The file name as given ("-" for standard input), for messages.
  virtual const std::string& path() const = 0;
  // The input hash (input_hash.h, hex) of the bytes read, after decompression: call once, at
  // the end of input. Sources made by OpenTraceSource provide it; others may return "".
  virtual std::string InputHash() { return ""; }
  // The input's bytes read so far as stored (compressed for .gz), for a progress display;
  // 0 when the source cannot tell.
  virtual uint64_t BytesRead() const { return 0; }
};

enum class TraceFormat { kAuto, kJsonl, kOtlp };

struct SourceOptions {
  TraceFormat format = TraceFormat::kAuto;  // kAuto detects from the first non-empty line
  size_t max_line_bytes = 16 << 20;         // longer lines are reported and skipped
  bool hash_input = true;  // keep InputHash(); off where no report names the input's hash
  InputHashKind input_hash = InputHashKind::kSha256Chunks;  // `run --input-hash`
  // Threads that hash chunks beside the reader (InputHasher), and that count the lines before
  // a shard's range (CountNewlinesBefore): the run's workers, idle until the reader feeds them.
  size_t hash_threads = 1;
  OtlpMappingOptions otlp = {};  // a suite's or policy's `otlp:` (FORMATS.md)
  // Plain JSONL files are read in blocks of this many bytes (block_jsonl_source.h); 0: the
  // default, one 2 MiB huge page. Tests make them small to put lines across block boundaries.
  size_t block_bytes = 0;
};

// The trace files a command was given, checked before any work starts, so that a typo is a
// usage error (exit 2) rather than a failure halfway through: each must be "-" (standard input),
// an existing regular file, or a pipe (a FIFO, or bash's `<(...)`, which is /dev/fd/N).
// InvalidArgument names the first that is not: "PATH: no such trace file", "PATH: is a folder,
// not a trace file (give the files in it, e.g. PATH/*.jsonl)".
Status CheckTraceFiles(const std::vector<std::string>& paths);

// True for an input that can be read only once: standard input, a FIFO, a character device.
// A command that reads its traces twice keeps a copy of such an input from the first read.
bool IsStreamInput(const std::string& path);

// Opens `path` ("-" for standard input, ".gz" read directly) as JSONL or OTLP/JSON. A plain
// JSONL file is read in blocks on a thread of its own (block_jsonl_source.h); the others
// through LineReader (zlib) on the caller's thread.
Result<std::unique_ptr<TraceSource>> OpenTraceSource(const std::string& path,
                                                     const SourceOptions& options);

// The traces of a plain JSONL file whose lines start in [begin, end): one shard's part of it
// (shard_plan.h), read in blocks like a whole plain file (block_jsonl_source.h), or through
// LineReader::OpenRange when it is not a regular file. No input hash.
struct ByteRange {
  uint64_t begin = 0;
  uint64_t end = 0;
};
Result<std::unique_ptr<TraceSource>> OpenTraceSourceRange(const std::string& path, ByteRange range,
                                                          const SourceOptions& options);

// Whether `path` starts with gzip's magic bytes (zlib, and so every reader, decompresses such a
// file whatever its name). IoError when it cannot be opened.
Result<bool> IsGzipFile(const std::string& path);

// The format `path` holds, as OpenTraceSource would detect it (the first non-blank line).
Result<TraceFormat> DetectTraceFormat(const std::string& path);

}  // namespace arbiter
