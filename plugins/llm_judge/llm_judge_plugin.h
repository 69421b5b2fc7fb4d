// The `llm_judge` plugin (SPEC "Plugin params"): a model reads the trace through a rubric and
// returns {"score", "reason"}.
//
//   plugin: llm_judge
//   params:
//     provider: openai              # openai (Chat Completions, any compatible base URL) |
//     anthropic base_url: '${JUDGE_BASE_URL:-https://api.openai.com/v1}'   # anthropic:
//     https://api.anthropic.com model: gpt-4o-mini api_key_env: OPENAI_API_KEY   # the variable
//     holding the key; omit for a local server rubric: ../rubrics/tool-result-grounded.md
//     temperature: 0                # default 0
//     max_tokens: 300               # default 300
//     structured_output: true       # openai: response_format json_schema (default true)
//     max_in_flight: 16             # calls in flight to this endpoint (default 16)
//     requests_per_minute: 0        # 0: unlimited (default)
//     tokens_per_minute: 0          # 0: unlimited (default)
//     timeout_ms: 60000             # per attempt (default 60 s)
//     max_attempts: 5               # per call, for 429, 5xx, timeouts, connection errors
//     backoff_ms: 500               # first retry waits up to this (full jitter), doubling
//     retry_budget: 100             # retries for the whole run at this endpoint
//     samples: 1                    # self-consistency: ask k times ...
//     aggregate: mean               # ... and take the mean or the majority verdict
//     price: {input_per_mtok: 0.15, output_per_mtok: 0.6}   # USD per million tokens
//
// The key is read from the environment only, and never written anywhere (rows, cache, reports;
// a server message quoting it is redacted). Without it the evaluator is skipped with the reason.
// An answer that does not parse or is off the rubric's scale is asked once more, then becomes an
// error row; so does a call that still fails after its retries, with the cause.
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo LlmJudgePlugin();

}  // namespace arbiter
