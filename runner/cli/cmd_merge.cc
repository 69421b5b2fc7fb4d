// `arbiter merge RUN... --out DIR`: the partial runs of `arbiter run --shard I/N` into the
// outputs one run over all the inputs writes, byte for byte (scoring/merge_runs.h). Ends with
// the merged run's warnings, as `run` does.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runner/cli/cli.h"
#include "runner/cli/run_warnings_report.h"
#include "runner/scoring/merge_runs.h"

namespace arbiter {
namespace {

struct MergeFlags {
  std::vector<std::string> runs;
  std::string out;
  bool strict = false;
};

int Merge(const MergeFlags& flags) {
  namespace fs = std::filesystem;
  std::vector<fs::path> runs(flags.runs.begin(), flags.runs.end());
  const fs::path out(flags.out);
  for (const fs::path& run : runs) {
    std::error_code ec;
    if (fs::exists(out, ec) && fs::exists(run, ec) && fs::equivalent(out, run, ec)) {
      return Fail("merge", Status::InvalidArgument("--out " + flags.out +
                                                   " is also a run to merge; give another folder"));
    }
  }
  Result<MergeResult> merged = MergeRuns(runs, out);
  if (!merged.ok()) return Fail("merge", merged.status());
  std::fprintf(
      stderr, "merged %u shards: %llu traces scored%s\n", merged->shards,
      static_cast<unsigned long long>(merged->traces),
      merged->trace_errors
          ? (", " + std::to_string(merged->trace_errors) + " broken traces skipped").c_str()
          : "");
  std::fprintf(stderr, "scorecard: %s\nreport: %s\n", (out / "scorecard.json").c_str(),
               (out / "report.html").c_str());
  return ReportWarnings("merge", merged->warnings, flags.strict);
}

}  // namespace

Command MergeCommand() {
  return {
      "merge",
      "Add the partial runs of run --shard into the outputs of one run",
      {{"arbiter merge out/shard-0 out/shard-1 -o out/merged",
        "arbiter merge out/shard-1 out/shard-0 -o out/merged-again --strict"},
       kCommonExitCodes},
      [](CLI::App& app) -> std::function<int()> {
        auto flags = std::make_shared<MergeFlags>();
        app.add_option("runs", flags->runs,
                       "Output folders of arbiter run --shard I/N, one per shard, any order")
            ->required()
            ->expected(1, -1);
        app.add_option("-o,--out", flags->out, "Output folder")->required()->check(OutputFolder());
        app.add_flag("--strict", flags->strict, "Exit 3 on any warning of the merged run");
        return [flags] { return Merge(*flags); };
      }};
}

}  // namespace arbiter
