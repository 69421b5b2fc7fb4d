#include "plugins/llm_judge/llm_judge_plugin.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <regex>
#include <string>

#include <unistd.h>  // environ

#include "plugins/llm_judge/judgment.h"
#include "runner/base/path_checks.h"
#include "runner/plugin_api/param_reader.h"

namespace arbiter {
namespace {

constexpr char kParamsSchema[] = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["provider", "model", "rubric"],
  "properties": {
    "provider": {"enum": ["openai", "anthropic"]},
    "base_url": {"type": "string"},
    "model": {"type": "string"},
    "api_key_env": {"type": "string", "description": "Name of the environment variable with the key."},
    "rubric": {"type": "string", "description": "Markdown rubric, relative to the YAML file."},
    "temperature": {"type": "number", "default": 0},
    "max_tokens": {"type": "integer", "default": 300},
    "structured_output": {"type": "boolean", "default": true},
    "max_in_flight": {"type": "integer", "minimum": 1, "default": 16},
    "requests_per_minute": {"type": "number", "minimum": 0, "default": 0},
    "tokens_per_minute": {"type": "number", "minimum": 0, "default": 0},
    "timeout_ms": {"type": "integer", "minimum": 1, "default": 60000},
    "max_attempts": {"type": "integer", "minimum": 1, "default": 5},
    "backoff_ms": {"type": "number", "minimum": 0, "default": 500},
    "retry_budget": {"type": "integer", "minimum": 0, "default": 100},
    "samples": {"type": "integer", "minimum": 1, "default": 1},
    "aggregate": {"enum": ["mean", "majority"], "default": "mean"},
    "price": {"type": "object", "properties": {"input_per_mtok": {"type": "number"},
                                               "output_per_mtok": {"type": "number"}}}
  }
})json";

std::string SystemPrompt(const Rubric& rubric) {
  std::string scale;
  switch (rubric.scale) {
    case JudgeScale::kBinary:
      scale = "Scale: binary (0 = fails the rubric, 1 = meets it).";
      break;
    case JudgeScale::kOneToFive:
      scale = "Scale: 1-5 (an integer; 1 = worst, 5 = best).";
      break;
    case JudgeScale::kUnit:
      scale = "Scale: 0-1 (a number from 0 = worst to 1 = best).";
      break;
  }
  std::string fields;
  for (const std::string& field : rubric.output_fields) {
    fields += (fields.empty() ? "" : ", ") + field;
  }
  return "You are a careful evaluator of an AI assistant's work. Judge the material the user "
         "gives you strictly by its rubric.\n" +
         scale + "\nReply with only a JSON object with the fields " + fields +
         " (reason: one or two sentences).";
}

// `api_key_env` names a variable. Written as `${OPENAI_API_KEY}` (as every other param may be)
// it holds the key itself, which an error must never echo: the value is named by where it is
// and what it looks like, never quoted.
Status CheckKeyVariable(const EvaluatorSpec& spec, const std::string& name) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]{0,127}");
  bool is_name = std::regex_match(name, kName);
  // A name-shaped value can still be a key: it then equals some variable's value.
  bool is_a_value = false;
  if (is_name && !std::getenv(name.c_str())) {
    for (char** entry = environ; *entry && !is_a_value; ++entry) {
      const char* eq = std::strchr(*entry, '=');
      is_a_value = eq && name == eq + 1;
    }
  }
  if (is_name && !is_a_value) return Status::OK();
  return spec.ErrorAt(spec.params["api_key_env"],
                      "param 'api_key_env' must be the name of an environment variable (letters, "
                      "digits and _, such as OPENAI_API_KEY), not a value; write the name "
                      "without ${...}, which puts the key itself here (the value is not shown)");
}

class LlmJudgeEvaluator : public Evaluator {
 public:
  LlmJudgeEvaluator(std::shared_ptr<HttpLoop> loop, std::shared_ptr<JudgeCore> core,
                    std::string skip_reason, double input_price, double output_price, bool priced)
      : loop_(std::move(loop)),
        core_(std::move(core)),
        skip_reason_(std::move(skip_reason)),
        input_price_(input_price),
        output_price_(output_price),
        priced_(priced) {}

  Status PrepareRun(const RunSettings& settings) override {
    core_->loop->WatchStop(settings.stop);
    core_->cache = nullptr;
    if (settings.cache_dir.empty()) return Status::OK();
    ARBITER_ASSIGN_OR_RETURN(auto cache, ResponseCache::Shared(settings.cache_dir.string()));
    core_->cache = cache;
    return Status::OK();
  }

  std::string SkipReason() const override { return skip_reason_; }

  Result<Score> Evaluate(const Trace& trace, const EvalContext& /*ctx*/) const override {
    ARBITER_ASSIGN_OR_RETURN(std::string prompt, core_->rubric.Render(trace));
    auto judgment = std::make_shared<Judgment>(core_, std::move(prompt));
    if (judgment->ReadCache()) return judgment->Ready();
    judgment->SendMissing();
    Score score;
    score.pending = std::move(judgment);
    return score;
  }

  std::optional<LiveCalls> Live() const override {
    LiveCalls live;
    live.in_flight = core_->http.in_flight.load();
    live.done = core_->calls.load();
    live.retried = core_->http.retried.load();
    live.rate_limited = core_->http.rate_limited.load();
    live.failed = core_->failed_calls.load();
    if (priced_) live.cost_usd = Cost();
    return live;
  }

  std::vector<UsageFigure> Usage() const override {
    std::vector<UsageFigure> figures = {
        {"calls", static_cast<double>(core_->calls.load())},
        {"cache_hits", static_cast<double>(core_->cache_hits.load())},
        {"input_tokens", static_cast<double>(core_->input_tokens.load())},
        {"output_tokens", static_cast<double>(core_->output_tokens.load())},
    };
    if (priced_) figures.push_back({"cost_usd", Cost(), false});
    if (core_->samples > 1) {
      figures.push_back({"samples", static_cast<double>(core_->samples)});
      int64_t judged = core_->multi_sample_judged.load();
      figures.push_back(
          {"flip_rate", judged ? static_cast<double>(core_->flipped.load()) / judged : 0.0, false});
    }
    return figures;
  }

 private:
  // USD for the tokens used so far.
  double Cost() const {
    return (static_cast<double>(core_->input_tokens.load()) * input_price_ +
            static_cast<double>(core_->output_tokens.load()) * output_price_) /
           1e6;
  }

  std::shared_ptr<HttpLoop> loop_;
  std::shared_ptr<JudgeCore> core_;
  std::string skip_reason_;
  double input_price_, output_price_;
  bool priced_;
};

Result<std::unique_ptr<Evaluator>> CreateLlmJudge(const EvaluatorSpec& spec) {
  ParamReader params(spec);
  auto core = std::make_shared<JudgeCore>();
  params.Node("provider", /*required=*/true);
  std::string provider = params.Choice("provider", {"openai", "anthropic"}, "openai");
  core->model.provider = provider == "anthropic" ? Provider::kAnthropic : Provider::kOpenAi;
  core->model.base_url = params.String("base_url")
                             .value_or(provider == "anthropic" ? "https://api.anthropic.com"
                                                               : "https://api.openai.com/v1");
  core->model.model = params.String("model", true).value_or("");
  std::optional<std::string> key_env = params.String("api_key_env");
  std::optional<std::string> rubric_path = params.String("rubric", true);
  YAML::Node rubric_node = params.Node("rubric");
  core->model.temperature = params.Number("temperature").value_or(0.0);
  core->model.max_tokens = static_cast<int>(params.Integer("max_tokens").value_or(300));
  core->model.structured_output = params.Bool("structured_output", true);
  EndpointLimits limits;
  limits.max_in_flight = static_cast<int>(params.Integer("max_in_flight").value_or(16));
  limits.requests_per_minute = params.Number("requests_per_minute").value_or(0);
  limits.tokens_per_minute = params.Number("tokens_per_minute").value_or(0);
  limits.retry_budget = params.Integer("retry_budget").value_or(100);
  core->retry.timeout_ms = params.Integer("timeout_ms").value_or(60000);
  core->retry.max_attempts = static_cast<int>(params.Integer("max_attempts").value_or(5));
  core->retry.backoff_base_ms = params.Number("backoff_ms").value_or(500);
  core->samples = static_cast<int>(params.Integer("samples").value_or(1));
  core->aggregation = params.Choice("aggregate", {"mean", "majority"}, "mean") == "majority"
                          ? Aggregation::kMajority
                          : Aggregation::kMean;
  YAML::Node price = params.Node("price");
  double input_price = 0, output_price = 0;
  if (price.IsDefined()) {
    if (!price.IsMap()) {
      params.Fail(price, "param 'price' must be {input_per_mtok: N, output_per_mtok: N}");
    } else {
      for (const auto& item : price) {
        const std::string& key = item.first.Scalar();
        double value = 0;
        if ((key != "input_per_mtok" && key != "output_per_mtok") ||
            !YAML::convert<double>::decode(item.second, value) || value < 0) {
          params.Fail(item.first,
                      "price has input_per_mtok and output_per_mtok, in USD per "
                      "million tokens (non-negative numbers)");
          continue;
        }
        (key == "input_per_mtok" ? input_price : output_price) = value;
      }
    }
  }
  ARBITER_RETURN_IF_ERROR(params.Finish());

  auto positive = [&](const char* key, double value) -> Status {
    if (value >= 1) return Status::OK();
    return spec.ErrorAt(spec.params[key], std::string("param '") + key + "' must be at least 1");
  };
  ARBITER_RETURN_IF_ERROR(positive("max_tokens", core->model.max_tokens));
  ARBITER_RETURN_IF_ERROR(positive("max_in_flight", limits.max_in_flight));
  ARBITER_RETURN_IF_ERROR(positive("timeout_ms", static_cast<double>(core->retry.timeout_ms)));
  ARBITER_RETURN_IF_ERROR(positive("max_attempts", core->retry.max_attempts));
  ARBITER_RETURN_IF_ERROR(positive("samples", core->samples));
  if (!(core->model.temperature >= 0 && core->model.temperature <= 2)) {
    return spec.ErrorAt(spec.params["temperature"], "param 'temperature' must be in [0, 2]");
  }
  if (core->model.model.empty()) return spec.ErrorAt(spec.params["model"], "empty model name");
  if (core->model.base_url.rfind("http://", 0) != 0 &&
      core->model.base_url.rfind("https://", 0) != 0) {
    return spec.ErrorAt(spec.params["base_url"], "base_url must start with http:// or https://");
  }

  auto rubric = LoadRubric(spec.Resolve(*rubric_path));
  if (!rubric.ok()) {
    if (!PathExists(spec.Resolve(*rubric_path))) {
      return spec.ErrorAt(rubric_node,
                          "rubric '" + spec.Resolve(*rubric_path).string() + "' not found");
    }
    return rubric.status();
  }
  core->rubric = std::move(*rubric);
  core->system_prompt = SystemPrompt(core->rubric);
  core->pass_threshold = spec.pass_threshold;

  std::string skip_reason;
  if (key_env) {
    ARBITER_RETURN_IF_ERROR(CheckKeyVariable(spec, *key_env));
    const char* key = std::getenv(key_env->c_str());
    if (key && *key) {
      core->api_key = key;
      if (core->api_key.size() < kMinApiKeyChars) {
        return spec.ErrorAt(
            spec.params["api_key_env"],
            "environment variable " + *key_env + " holds " + std::to_string(core->api_key.size()) +
                " characters, too few for an API key (at least " + std::to_string(kMinApiKeyChars) +
                "); for a server that needs no key, leave api_key_env out");
      }
    } else {
      skip_reason = "environment variable " + *key_env + " (the judge's API key) is not set";
    }
  }
  std::shared_ptr<HttpLoop> loop = HttpLoop::Shared();
  core->loop = loop.get();
  core->endpoint = loop->Endpoint(provider + " " + core->model.base_url, limits);
  return std::unique_ptr<Evaluator>(
      std::make_unique<LlmJudgeEvaluator>(std::move(loop), std::move(core), std::move(skip_reason),
                                          input_price, output_price, price.IsDefined()));
}

}  // namespace

PluginInfo LlmJudgePlugin() {
  PluginInfo info;
  info.name = "llm_judge";
  info.version = 1;
  info.description =
      "A model judges the trace by a Markdown rubric over OpenAI- or Anthropic-style HTTP.";
  info.params_schema = kParamsSchema;
  info.create = CreateLlmJudge;
  return info;
}

}  // namespace arbiter
