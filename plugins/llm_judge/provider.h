// The two wire formats a judge speaks: OpenAI Chat Completions (any OpenAI-compatible base URL:
// OpenAI, Azure-style gateways, vLLM, Ollama, the llama.cpp server) and Anthropic Messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runner/base/status.h"

namespace arbiter {

enum class Provider { kOpenAi, kAnthropic };

struct JudgeModelSettings {
  Provider provider = Provider::kOpenAi;
  std::string base_url;  // without the endpoint path
  std::string model;
  double temperature = 0.0;
  int max_tokens = 300;
  bool structured_output = true;  // OpenAI: response_format with a JSON schema
};

struct WireRequest {
  std::string url;
  std::vector<std::string> headers;  // without the API key
  std::string body;
};

// The request for one judgment. `output_fields` (score first) make the JSON schema.
WireRequest BuildWireRequest(const JudgeModelSettings& settings, std::string_view system,
                             std::string_view prompt, const std::vector<std::string>& output_fields,
                             bool integer_score);

// The header that carries the key ("Authorization: Bearer K" or "x-api-key: K").
std::string ApiKeyHeader(Provider provider, const std::string& key);

struct WireResponse {
  std::string text;  // the model's answer
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

// The answer and token usage of a 2xx response body; an error for a body that is not the
// provider's format ("malformed response body: ...").
Result<WireResponse> ParseWireResponse(Provider provider, std::string_view body);

}  // namespace arbiter
