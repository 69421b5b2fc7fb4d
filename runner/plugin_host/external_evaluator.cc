#include "runner/plugin_host/external_evaluator.h"

#include <cmath>
#include <mutex>
#include <utility>

#include "runner/plugin_api/json_schema/yaml_json.h"
#include "runner/plugin_api/text_target.h"

namespace arbiter {
namespace {

arbiter_str Str(std::string_view text) { return {text.data(), text.size()}; }

// Called from plugin code: nothing may throw through it.
extern "C" void AppendToString(void* context, const char* data, size_t size) {
  if (data == nullptr || size == 0) return;
  try {
    static_cast<std::string*>(context)->append(data, size);
  } catch (...) {  // out of memory: the message is cut, the call goes on
  }
}

std::string PluginName(const ExternalType& type) {
  return "plugin '" + type.name + "' (" + type.library_path + ")";
}

class ExternalEvaluator final : public Evaluator {
 public:
  ExternalEvaluator(std::shared_ptr<const ExternalType> type, void* instance,
                    std::optional<TextTarget> target)
      : type_(std::move(type)), instance_(instance), target_(std::move(target)) {}

  ~ExternalEvaluator() override { type_->c_type.destroy(instance_); }

  Result<Score> Evaluate(const Trace& trace, const EvalContext& /*ctx*/) const override {
    arbiter_trace_view view{};
    view.struct_size = sizeof(view);
    view.json = Str(trace.json());
    view.trace_id = Str(trace.trace_id());
    std::string scratch;
    if (target_) {
      ARBITER_ASSIGN_OR_RETURN(std::string_view text, target_->Text(trace, scratch));
      view.has_target = 1;
      view.target = Str(text);
    }
    Score score;
    double value = std::nan("");
    int code = ARBITER_OK;
    {
      // One message sink: the reason on success, the error otherwise.
      arbiter_sink sink = StringSink(score.reason);
      std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
      if (!type_->thread_safe()) lock.lock();
      code = type_->c_type.score(instance_, &view, &value, &sink);
    }
    if (code != ARBITER_OK) {
      return Status::Internal("plugin '" + type_->name + "' error " + std::to_string(code) +
                              (score.reason.empty() ? "" : ": " + score.reason));
    }
    score.value = value;  // the host checks NaN and [0, 1] (trace_scorer.cc)
    return score;
  }

 private:
  std::shared_ptr<const ExternalType> type_;  // keeps the library loaded until destroy()
  void* instance_;
  std::optional<TextTarget> target_;  // absent when the declaration names no target
  mutable std::mutex mutex_;          // serializes score() when the type is not thread-safe
};

Result<std::unique_ptr<Evaluator>> Create(const std::shared_ptr<const ExternalType>& type,
                                          const EvaluatorSpec& spec) {
  std::string params = "{}";
  if (spec.params.IsDefined() && !spec.params.IsNull()) {
    YAML::Node bad;
    Result<nlohmann::json> json = YamlToJson(spec.params, &bad);
    if (!json.ok())
      return spec.ErrorAt(bad.IsDefined() ? bad : spec.params, json.status().message());
    params = json->dump();
  }
  const YAML::Node& where = spec.params.IsDefined() ? spec.params : spec.node;
  if (type->schema) {
    Result<SchemaVerdict> verdict = type->schema->ValidateText(params);
    if (!verdict.ok()) return spec.ErrorAt(where, verdict.status().message());
    if (!verdict->valid()) {
      return spec.ErrorAt(
          where, "params do not match the schema of " + PluginName(*type) + ": " + verdict->detail);
    }
  }
  std::string target_path = spec.target ? spec.target->text() : "";
  std::string base_dir = spec.file.parent_path().string();
  arbiter_create_args args{};
  args.struct_size = sizeof(args);
  args.evaluator_id = Str(spec.id);
  args.evaluator_version = static_cast<uint32_t>(spec.version);
  args.params_json = Str(params);
  args.target_path = Str(target_path);
  args.base_dir = Str(base_dir);
  void* instance = nullptr;
  std::string error;
  arbiter_sink sink = StringSink(error);
  int code = type->c_type.create(type->c_type.type_data, &args, &instance, &sink);
  if (code != ARBITER_OK) {
    if (instance) type->c_type.destroy(instance);
    return spec.ErrorAt(where, PluginName(*type) + " rejected the declaration (error " +
                                   std::to_string(code) + ")" +
                                   (error.empty() ? "" : ": " + error));
  }
  std::optional<TextTarget> target;
  if (spec.target) target.emplace(spec);
  return std::unique_ptr<Evaluator>(
      std::make_unique<ExternalEvaluator>(type, instance, std::move(target)));
}

}  // namespace

arbiter_sink StringSink(std::string& out) { return {&out, AppendToString}; }

PluginInfo ExternalPluginInfo(std::shared_ptr<const ExternalType> type) {
  PluginInfo info;
  info.name = type->name;
  info.version = static_cast<int>(type->c_type.version);
  info.description = type->description;
  info.origin = type->library_path;
  info.params_schema = type->params_schema.empty() ? "{}" : type->params_schema;
  info.requires_target = (type->c_type.flags & ARBITER_REQUIRES_TARGET) != 0;
  info.create = [type = std::move(type)](const EvaluatorSpec& spec) { return Create(type, spec); };
  return info;
}

}  // namespace arbiter
