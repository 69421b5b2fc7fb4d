// Helpers shared by unit tests: a parsed trace from JSON text, an EvaluatorSpec from YAML text.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "runner/plugin_api/evaluator.h"
#include "runner/trace/trace.h"

namespace arbiter::testing {

// Owns the parser and the text so the Trace stays valid for the object's lifetime.
class ParsedTrace {
 public:
  explicit ParsedTrace(std::string json) : json_(std::move(json)) {
    simdjson::dom::element root = parser_.parse(json_);  // throws on bad test input
    std::string_view id;
    if (root["trace_id"].get_string().get(id)) id = "";
    trace_ = std::make_unique<Trace>(root, json_, id);
  }
  const Trace& trace() const { return *trace_; }
  operator const Trace&() const { return *trace_; }  // NOLINT

 private:
  std::string json_;
  simdjson::dom::parser parser_;
  std::unique_ptr<Trace> trace_;
};

// An EvaluatorSpec from a declaration written as YAML (id, plugin, target, params,
// pass_threshold). `file` sets the folder relative paths resolve against.
inline EvaluatorSpec SpecFromYaml(const std::string& yaml, const std::string& file = "test.yaml") {
  EvaluatorSpec spec;
  spec.node = YAML::Load(yaml);
  spec.file = file;
  spec.id = spec.node["id"] ? spec.node["id"].as<std::string>() : "test-evaluator";
  spec.version = spec.node["version"] ? spec.node["version"].as<int>() : 1;
  spec.plugin = spec.node["plugin"] ? spec.node["plugin"].as<std::string>() : "";
  if (spec.node["target"]) {
    auto path = TracePath::Parse(spec.node["target"].as<std::string>());
    if (path.ok()) spec.target = *path;
  }
  spec.params = spec.node["params"];
  if (spec.node["pass_threshold"]) spec.pass_threshold = spec.node["pass_threshold"].as<double>();
  return spec;
}

// Drives one plugin the way the host does, for plugin unit tests: create an evaluator from a
// YAML declaration, evaluate it on a trace. A step that goes other than the caller expects
// fails the calling test; the returned value is then a sentinel (score -1, empty message).
class PluginHarness {
 public:
  explicit PluginHarness(PluginInfo plugin) : plugin_(std::move(plugin)) {}

  Result<std::unique_ptr<Evaluator>> Create(const std::string& yaml,
                                            const std::string& file = "test.yaml") const {
    return plugin_.create(SpecFromYaml(yaml, file));
  }
  // Expects the declaration to load and the trace to be judged.
  Score Judge(const std::string& yaml, const std::string& trace_json) const {
    auto evaluator = Create(yaml);
    EXPECT_TRUE(evaluator.ok()) << evaluator.status().ToString();
    if (!evaluator.ok()) return Score{-1.0, ""};
    return ScoreOf(**evaluator, trace_json);
  }
  // Expects `evaluator` to judge the trace.
  static Score ScoreOf(const Evaluator& evaluator, const std::string& trace_json) {
    ParsedTrace trace(trace_json);
    Result<Score> score = evaluator.Evaluate(trace, EvalContext{});
    EXPECT_TRUE(score.ok()) << score.status().ToString();
    return score.ok() ? *score : Score{-1.0, ""};
  }
  // Expects the declaration to load and the trace to be an error; returns its message.
  std::string EvalError(const std::string& yaml, const std::string& trace_json) const {
    auto evaluator = Create(yaml);
    EXPECT_TRUE(evaluator.ok()) << evaluator.status().ToString();
    if (!evaluator.ok()) return "";
    ParsedTrace trace(trace_json);
    Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{});
    EXPECT_FALSE(score.ok());
    return score.ok() ? "" : score.status().message();
  }
  // Expects the declaration to be refused as invalid; returns the message.
  std::string LoadError(const std::string& yaml) const {
    auto evaluator = Create(yaml);
    EXPECT_FALSE(evaluator.ok());
    if (evaluator.ok()) return "";
    EXPECT_EQ(evaluator.status().code(), Status::Code::kInvalidArgument);
    return evaluator.status().message();
  }

 private:
  PluginInfo plugin_;
};

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("arbiter-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `contents` to `name` (relative to the folder, parents created); returns its path.
  std::filesystem::path Write(const std::string& name, const std::string& contents) const {
    std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// The whole file as a string ("" when unreadable).
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace arbiter::testing
