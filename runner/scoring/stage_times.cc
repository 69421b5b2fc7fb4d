#include "runner/scoring/stage_times.h"

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
    std::string threads;
    double cpu;
    bool serial;
  };
  const std::string workers = std::to_string(times.workers);
  const std::vector<Stage> stages = {
      {"read (read, split, copy)", "1", times.read, true},
      {"input hash", times.hash > 0 ? workers : "0", times.hash, false},
      {"score (parse, evaluate)", workers, times.work, false},
      {"consume (scorecard)", "1", times.consume, true},
      {"write (scores.jsonl)", "1", times.write, true},
      {"finish (report files)", "1", times.finish, true},
  };
  TextTable table;
  table.header = {"stage", "threads", "CPU s", "us/trace", "vs score"};
  table.right = {false, true, true, true, true};
  for (const Stage& stage : stages) {
    table.rows.push_back({stage.name, stage.threads, FigureText(stage.cpu, 3),
                          FigureText(stage.cpu / traces * 1e6, 2),
                          stage.serial ? share(stage.cpu) : ""});
  }
  return "stage times: " + std::to_string(times.traces) + " traces, " + FigureText(times.wall, 2) +
         " s wall\n" + table.Plain();
}

}  // namespace arbiter
