// `arbiter init [DIR]`: writes a starter project (runner/cli/starter_project.h) that `validate`
// and `run` accept at once. Never overwrites: when any of its files exists, nothing is written
// and the command names them (exit 2).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/cli/cli.h"
#include "runner/cli/starter_project.h"

namespace arbiter {
namespace {

namespace fs = std::filesystem;

int Init(const std::string& dir) {
  const fs::path root(dir);
  std::vector<std::string> existing;
  for (const StarterFile& file : StarterProject()) {
    std::error_code ec;
    if (fs::exists(root / file.path, ec) || ec) existing.push_back((root / file.path).string());
  }
  if (!existing.empty()) {
    std::string list;
    for (const std::string& path : existing) list += (list.empty() ? "" : ", ") + path;
    return Fail("init", Status::InvalidArgument(
                            "would overwrite " + list +
                            "; nothing was written (choose another folder, or move them away)"));
  }
  for (const StarterFile& file : StarterProject()) {
    const fs::path path = root / file.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      // A file where the folder goes (`init traces.jsonl`) is the user's to fix: exit 2.
      std::string why = "cannot create " + path.parent_path().string() + ": " + ec.message();
      return Fail("init", ec == std::errc::not_a_directory || ec == std::errc::file_exists
                              ? Status::InvalidArgument(why)
                              : Status::IoError(why));
    }
    if (Status written = WriteFileAtomic(path, file.contents); !written.ok()) {
      return Fail("init", written);
    }
    std::printf("wrote %s\n", path.c_str());
  }
  const std::string cd = dir == "." ? "" : "cd " + dir + " && ";
  std::printf(
      "\nNext:\n"
      "  %sarbiter validate --suite evaluators/suite.yaml --traces traces/sample.jsonl\n"
      "  %sarbiter run --suite evaluators/suite.yaml --traces traces/sample.jsonl --out out/run\n"
      "Then replace traces/sample.jsonl with your own traces and change the evaluators.\n",
      cd.c_str(), cd.c_str());
  return kExitOk;
}

}  // namespace

Command InitCommand() {
  return {"init",
          "Write a starter project: a suite of three evaluators, a policy, traces, a CI workflow",
          {{"arbiter init out/my-evals", "arbiter init out/support-evals"},
           {kExitOk, kExitUsage, kExitRuntime}},
          [](CLI::App& app) -> std::function<int()> {
            auto dir = std::make_shared<std::string>(".");
            app.add_option("dir", *dir, "Folder to write into (created when missing; default .)");
            return [dir] { return Init(*dir); };
          }};
}

}  // namespace arbiter
