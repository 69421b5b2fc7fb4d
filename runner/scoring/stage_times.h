// Where a run's CPU went, by stage (`run --stage-times`). A stage that runs on one thread
// (reading, in-order writing) must cost a small share of what the workers spend per trace, or
// the workers starve on many cores: with W workers, a serial stage above 1/W of the workers' CPU
// is the bottleneck. Measured as thread CPU time, so a busy 2-core machine still gives the ratio
// that a 16-core one would see (docs/PERFORMANCE.md).
#pragma once

#include <cstdint>
#include <string>

namespace arbiter {

struct StageTimes {
  uint64_t traces = 0;    // read, scored or broken
  int workers = 0;        // scoring threads (also the input hash's threads)
  double read = 0;        // CPU s, block reading threads: pread(2) of plain files (a few threads,
                          // each taking its turn in file order)
  int read_threads = 0;   // the block reading threads of an input
  double count = 0;       // CPU s, threads counting the lines before a shard's range (parallel)
  int count_threads = 0;  // the most threads one count used
  double split = 0;       // CPU s, reader thread: split lines into batches (serial); also reads
                          // and decompresses what is not a plain file (.gz, standard input)
  double hash = 0;        // CPU s, input hash threads (parallel)
  double work = 0;        // CPU s, workers: parse and score (parallel)
  double consume = 0;     // CPU s, in input order: batch tallies merged, bookkeeping (serial)
  double write = 0;       // CPU s, in input order: scores.jsonl rows handed to the kernel (serial)
  double finish = 0;      // CPU s, after the last trace: scorecard and report files (serial, once)
  double wall = 0;        // s, from the first read to the last file written
};

// A plain-text table: per stage its threads, CPU seconds, microseconds per trace, and for the
// serial stages their share of the workers' CPU ("1/23"), the figure that must stay under
// 1/16 for sixteen workers to be kept busy. For the read stage, whose few threads each read
// their turn of the blocks, the share is per thread: each is one serial stage.
std::string StageTimesText(const StageTimes& times);

}  // namespace arbiter
