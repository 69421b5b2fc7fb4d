// CPU time of the calling thread, for `run --stage-times`: which stage of a pipeline costs what,
// measured where each stage runs rather than guessed from wall time on a busy machine.
#pragma once

#include <atomic>
#include <cstdint>

namespace arbiter {

// Nanoseconds of CPU the calling thread has used since it started.
uint64_t ThreadCpuNanos();

// CPU nanoseconds by stage of a batched read (source/batched_read.h), added by each thread as
// it ends: the reader that makes batches (splitting lines; for .gz files, standard input and
// OTLP also reading and decompressing; plain files are read on threads of their own,
// base/block_reader.h), the workers together, and the consumer (in-order delivery: the
// scorecard, writing rows). `write` is the part of `consume` spent handing rows to the kernel,
// added by the consumer itself.
struct StageCpu {
  std::atomic<uint64_t> split{0};
  std::atomic<uint64_t> work{0};
  std::atomic<uint64_t> consume{0};
  std::atomic<uint64_t> write{0};
};

}  // namespace arbiter
