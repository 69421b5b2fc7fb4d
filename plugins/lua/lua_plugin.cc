#include "plugins/lua/lua_plugin.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugins/lua/lua_worker.h"
#include "runner/base/config_file.h"
#include "runner/plugin_api/param_reader.h"

namespace arbiter {
namespace {

constexpr char kParamsSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "oneOf": [{"required": ["script"]}, {"required": ["source"]}],
  "properties": {
    "script": {"type": "string", "minLength": 1,
               "description": "Lua file defining evaluate(trace), relative to the YAML file."},
    "source": {"type": "string", "minLength": 1,
               "description": "The Lua script inline, instead of a file."},
    "max_instructions": {"type": "integer", "minimum": 1, "maximum": 2147483647,
                         "default": 1000000,
                         "description": "VM instructions per evaluate call."},
    "max_memory_mb": {"type": "integer", "minimum": 1, "maximum": 65536, "default": 64,
                      "description": "Memory cap of each worker's Lua state."}
  }
})json";

constexpr long kMaxMemoryMb = 65536;

class LuaEvaluator : public Evaluator {
 public:
  LuaEvaluator(std::shared_ptr<const LuaChunk> chunk, std::unique_ptr<LuaWorker> first)
      : chunk_(std::move(chunk)) {
    workers_.push_back(std::move(first));
  }

  // REQUIRES: no Evaluate in flight. Keeps the states that exist (worker 0 is the one that
  // validated the script) and adds or drops the rest.
  Status PrepareWorkers(int workers) override {
    if (workers < 1) return Status::InvalidArgument("lua: PrepareWorkers needs at least 1 worker");
    workers_.resize(std::min(workers_.size(), static_cast<size_t>(workers)));
    while (workers_.size() < static_cast<size_t>(workers)) {
      Result<std::unique_ptr<LuaWorker>> worker = LuaWorker::Create(chunk_);
      if (!worker.ok()) return Status::Internal("lua: " + worker.status().message());
      workers_.push_back(std::move(*worker));
    }
    return Status::OK();
  }

  Result<Score> Evaluate(const Trace& trace, const EvalContext& ctx) const override {
    if (ctx.worker < 0 || static_cast<size_t>(ctx.worker) >= workers_.size()) {
      return Status::Internal("lua: worker " + std::to_string(ctx.worker) +
                              " is out of range; PrepareWorkers announced " +
                              std::to_string(workers_.size()));
    }
    // Each worker thread owns its state: no lock. (The state is mutable behind the pointer.)
    return workers_[ctx.worker]->Evaluate(trace.root());
  }

 private:
  std::shared_ptr<const LuaChunk> chunk_;
  std::vector<std::unique_ptr<LuaWorker>> workers_;
};

Result<std::unique_ptr<Evaluator>> CreateLua(const EvaluatorSpec& spec) {
  ParamReader params(spec);
  std::optional<std::string> script = params.String("script");
  std::optional<std::string> source = params.String("source");
  YAML::Node script_node = params.Node("script");
  YAML::Node source_node = params.Node("source");
  std::optional<long> max_instructions = params.Integer("max_instructions");
  std::optional<long> max_memory_mb = params.Integer("max_memory_mb");
  if (script && source) params.Fail(source_node, "give either 'script' or 'source', not both");
  if (params.ok() && !script && !source) {
    params.Fail(spec.params.IsDefined() ? spec.params : spec.node,
                "missing param 'script' (or an inline 'source')");
  }
  LuaLimits limits;
  if (max_instructions) {
    if (*max_instructions < 1 || *max_instructions > INT_MAX) {
      params.Fail(params.Node("max_instructions"),
                  "param 'max_instructions' must be between 1 and " + std::to_string(INT_MAX));
    }
    limits.max_instructions = static_cast<int>(*max_instructions);
  }
  if (max_memory_mb) {
    if (*max_memory_mb < 1 || *max_memory_mb > kMaxMemoryMb) {
      params.Fail(params.Node("max_memory_mb"),
                  "param 'max_memory_mb' must be between 1 and " + std::to_string(kMaxMemoryMb));
    }
    limits.max_memory_bytes = static_cast<size_t>(*max_memory_mb) << 20;
  }
  ARBITER_RETURN_IF_ERROR(params.Finish());

  const YAML::Node& at = script ? script_node : source_node;
  std::string what = script ? "Lua script '" + *script + "'" : "Lua source";
  std::string text;
  if (script) {
    std::filesystem::path path = spec.Resolve(*script);
    Result<std::string> read = ReadConfigFile(path);
    if (!read.ok()) {
      return spec.ErrorAt(
          at, "cannot read Lua script '" + path.string() + "': " + read.status().message());
    }
    text = std::move(*read);
  }
  // Messages name the script as the user wrote it ("check.lua:4: ..."), an inline one "source".
  std::string chunkname = script ? "@" + *script : "=source";
  Result<LuaChunk> chunk = CompileLua(script ? text : *source, chunkname, limits);
  if (!chunk.ok()) return spec.ErrorAt(at, what + " does not load: " + chunk.status().message());
  auto shared = std::make_shared<const LuaChunk>(std::move(*chunk));
  Result<std::unique_ptr<LuaWorker>> first = LuaWorker::Create(shared);
  if (!first.ok()) return spec.ErrorAt(at, what + ": " + first.status().message());
  return std::unique_ptr<Evaluator>(
      std::make_unique<LuaEvaluator>(std::move(shared), std::move(*first)));
}

}  // namespace

PluginInfo LuaPlugin() {
  PluginInfo info;
  info.name = "lua";
  info.version = 1;
  info.description = "A sandboxed Lua 5.4 script: evaluate(trace) returns the score.";
  info.params_schema = kParamsSchema;
  info.create = CreateLua;
  return info;
}

}  // namespace arbiter
