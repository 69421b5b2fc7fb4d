#include "runner/scoring/stage_times.h"

#include <algorithm>
#include <vector>

#include "runner/base/report_text.h"
#include "runner/base/text_table.h"

namespace arbiter {

std::string StageTimesText(const StageTimes& times) {
  const double traces = times.traces > 0 ? static_cast<double>(times.traces) : 1.0;
  auto share = [&](double cpu) -> std::string {
    if (cpu <= 0) return "0";
    if (times.work <= 0) return "-";
    return "1/" + FigureText(times.work / cpu, 1);
  };
  struct Stage {
    const char* name;
    int threads;
    double cpu;
    int serial;  // 0: a parallel stage; else its threads, each a serial stage of its own
  };
  const int read_threads = times.read > 0 ? std::max(times.read_threads, 1) : 0;
  const std::vector<Stage> stages = {
      {"read (pread into blocks)", read_threads, times.read, std::max(read_threads, 1)},
      {"count (lines before a shard's range)", times.count > 0 ? times.count_threads : 0,
       times.count, 0},
      {"split (lines into batches)", 1, times.split, 1},
      {"input hash", times.hash > 0 ? times.workers : 0, times.hash, 0},
      {"score (parse, evaluate)", times.workers, times.work, 0},
      {"consume (scorecard)", 1, times.consume, 1},
      {"write (scores.jsonl)", 1, times.write, 1},
      {"finish (report files)", 1, times.finish, 1},
  };
  TextTable table;
  table.header = {"stage", "threads", "CPU s", "us/trace", "vs score"};
  table.right = {false, true, true, true, true};
  for (const Stage& stage : stages) {
    std::string versus;  // a serial stage's share; a read on two threads: each thread's
    if (stage.serial > 0) versus = share(stage.cpu / stage.serial);
    if (stage.serial > 1) versus += " each";
    table.rows.push_back({stage.name, std::to_string(stage.threads), FigureText(stage.cpu, 3),
                          FigureText(stage.cpu / traces * 1e6, 2), versus});
  }
  return "stage times: " + std::to_string(times.traces) + " traces, " + FigureText(times.wall, 2) +
         " s wall\n" + table.Plain();
}

}  // namespace arbiter
