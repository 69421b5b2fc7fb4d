#include "plugins/llm_judge/provider.h"

#include <nlohmann/json.hpp>

#include "runner/plugin_api/text_target.h"

namespace arbiter {
namespace {

nlohmann::ordered_json AnswerSchema(const std::vector<std::string>& fields, bool integer_score) {
  nlohmann::ordered_json properties = nlohmann::ordered_json::object();
  nlohmann::ordered_json required = nlohmann::ordered_json::array();
  for (const std::string& field : fields) {
    properties[field] = {
        {"type", field == "score" ? (integer_score ? "integer" : "number") : "string"}};
    required.push_back(field);
  }
  return {{"type", "object"},
          {"properties", properties},
          {"required", required},
          {"additionalProperties", false}};
}

int64_t TokenCount(const nlohmann::json& usage, const char* key) {
  if (!usage.is_object() || !usage.contains(key) || !usage[key].is_number_integer()) return 0;
  return usage[key].get<int64_t>();
}

}  // namespace

WireRequest BuildWireRequest(const JudgeModelSettings& settings, std::string_view system,
                             std::string_view prompt, const std::vector<std::string>& output_fields,
                             bool integer_score) {
  WireRequest request;
  request.headers.push_back("Content-Type: application/json");
  nlohmann::ordered_json body;
  body["model"] = settings.model;
  std::string base = settings.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (settings.provider == Provider::kOpenAi) {
    request.url = base + "/chat/completions";
    body["messages"] = {{{"role", "system"}, {"content", system}},
                        {{"role", "user"}, {"content", prompt}}};
    body["temperature"] = settings.temperature;
    body["max_tokens"] = settings.max_tokens;
    if (settings.structured_output) {
      body["response_format"] = {{"type", "json_schema"},
                                 {"json_schema",
                                  {{"name", "judgment"},
                                   {"strict", true},
                                   {"schema", AnswerSchema(output_fields, integer_score)}}}};
    }
  } else {
    request.url = base + "/v1/messages";
    request.headers.push_back("anthropic-version: 2023-06-01");
    body["system"] = system;
    body["messages"] = {{{"role", "user"}, {"content", prompt}}};
    body["temperature"] = settings.temperature;
    body["max_tokens"] = settings.max_tokens;
  }
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return request;
}

std::string ApiKeyHeader(Provider provider, const std::string& key) {
  return provider == Provider::kOpenAi ? "Authorization: Bearer " + key : "x-api-key: " + key;
}

Result<WireResponse> ParseWireResponse(Provider provider, std::string_view body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  auto malformed = [&](const std::string& why) {
    return Status::Corruption("malformed response body (" + why + "): " + Excerpt(body, 120));
  };
  if (!doc.is_object()) return malformed("not JSON");
  WireResponse response;
  if (provider == Provider::kOpenAi) {
    const nlohmann::json& choices = doc.contains("choices") ? doc["choices"] : nlohmann::json();
    if (!choices.is_array() || choices.empty() || !choices[0].contains("message") ||
        !choices[0]["message"].contains("content") ||
        !choices[0]["message"]["content"].is_string()) {
      return malformed("no choices[0].message.content");
    }
    response.text = choices[0]["message"]["content"].get<std::string>();
    const nlohmann::json usage = doc.contains("usage") ? doc["usage"] : nlohmann::json();
    response.input_tokens = TokenCount(usage, "prompt_tokens");
    response.output_tokens = TokenCount(usage, "completion_tokens");
  } else {
    const nlohmann::json& content = doc.contains("content") ? doc["content"] : nlohmann::json();
    if (!content.is_array()) return malformed("no content blocks");
    bool found = false;
    for (const nlohmann::json& block : content) {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
          block["text"].is_string()) {
        response.text += block["text"].get<std::string>();
        found = true;
      }
    }
    if (!found) return malformed("no text content block");
    const nlohmann::json usage = doc.contains("usage") ? doc["usage"] : nlohmann::json();
    response.input_tokens = TokenCount(usage, "input_tokens");
    response.output_tokens = TokenCount(usage, "output_tokens");
  }
  return response;
}

}  // namespace arbiter
