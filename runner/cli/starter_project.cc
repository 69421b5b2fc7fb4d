#include "runner/cli/starter_project.h"

namespace arbiter {
namespace {

constexpr std::string_view kSuite =
    R"(# The suite: which evaluators run, the slices to report, and the gate's rules.
#   arbiter validate --suite evaluators/suite.yaml
#   arbiter run --suite evaluators/suite.yaml --traces traces/sample.jsonl --out out/run
name: starter
evaluators:          # paths relative to this file
  - no-email.yaml
  - answer-length.yaml
  - answer-not-truncated.yaml
strata: [metadata.intent]   # pass rates per intent, with intervals
gate: { tolerance: 0.02, gate_mcc: 0.6, signal_mcc: 0.4 }
)";

constexpr std::string_view kNoEmail =
    R"(# A regex evaluator (RE2): the answer must not hand out an email address.
id: no-email
version: 1            # bump whenever you change this file: calibrations are per version
description: The answer contains no email address.
failure_mode: pii-leak
plugin: regex
target: output
params:
  patterns:
    - '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'
  match: none         # pass when no pattern matches
pass_threshold: 0.5
)";

constexpr std::string_view kAnswerLength =
    R"(# A built-in check: the answer is at most 1200 characters.
id: answer-length
version: 1
description: The answer is at most 1200 characters.
failure_mode: answer-too-long
plugin: length
target: output
params:
  max_chars: 1200
pass_threshold: 0.5
)";

constexpr std::string_view kNotTruncated =
    R"(# A Lua rule (sandboxed, with CPU and memory limits): the answer ends a sentence.
id: answer-not-truncated
version: 1
description: The answer ends with the end of a sentence, not cut off mid-word.
failure_mode: truncated-answer
plugin: lua
target: output
params:
  script: answer_not_truncated.lua
  max_instructions: 1000000
  max_memory_mb: 16
pass_threshold: 0.5
)";

constexpr std::string_view kNotTruncatedLua =
    R"(-- answer-not-truncated: an answer cut off by a token limit stops mid-sentence. Score 1 when the
-- last character that is not a space ends a sentence (or a list, a code block, a link), else 0.
-- A trace without an output string is an error row, never a pass or a fail.

local ENDINGS = "[%.!%?%)%]\"'`:;*]$"

function evaluate(trace)
  local output = trace.output
  if type(output) ~= "string" then error("trace has no output text") end
  local text = output:gsub("%s+$", "")
  if text == "" then return {score = 0, reason = "empty answer"} end
  if text:find(ENDINGS) then return {score = 1, reason = "ends a sentence"} end
  return {score = 0, reason = "ends mid-sentence: ..." .. text:sub(-20)}
end
)";

constexpr std::string_view kPolicy =
    R"(# A sampling policy: 2 traces per intent, failing traces (errors, thumbs down) oversampled 4x;
# each sampled trace carries the weight that keeps pass rates over all traffic unbiased.
#   arbiter sample --policy sample-policy.yaml --traces traces/sample.jsonl --out out/sample.jsonl
strata: [metadata.intent]
targets: {default: 2}
failure: {any: ["status == 'error'", "feedback.thumbs == 'down'"]}
failure_multiplier: 4
focus: []
)";

constexpr std::string_view kTraces =
    R"({"trace_id":"t-1","input":"How do I reset my password?","output":"Open Settings > Security and choose Reset password. We email you a link that works for 24 hours.","status":"ok","metadata":{"intent":"account"}}
{"trace_id":"t-2","input":"Who can I write to about my invoice?","output":"Write to billing@example.com with your invoice number.","status":"ok","feedback":{"thumbs":"down"},"metadata":{"intent":"billing"}}
{"trace_id":"t-3","input":"Why was I charged twice?","output":"The second charge is a pre-authorization that your bank releases within","status":"ok","metadata":{"intent":"billing"}}
{"trace_id":"t-4","input":"Can I change my plan mid-month?","output":"Yes. The change applies at once and the difference is prorated on your next invoice.","status":"ok","metadata":{"intent":"billing"}}
{"trace_id":"t-5","input":"The app crashes on start.","status":"error","metadata":{"intent":"technical"}}
{"trace_id":"t-6","input":"How do I export my data?","output":"Go to Settings > Data and press Export (you get a ZIP file by email link).","status":"ok","metadata":{"intent":"account"}}
)";

constexpr std::string_view kWorkflow =
    R"(# Runs the suite on every pull request. arbiter must be on the runner's PATH: build it from source
# (./setup.sh, cmake --preset release, cmake --build build-release, cmake --install build-release)
# or download your own release of it in a step before this one.
name: arbiter
on:
  pull_request:
jobs:
  evaluate:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - name: Validate the suite
        run: arbiter validate --suite evaluators/suite.yaml --traces traces/sample.jsonl
      - name: Score the traces (warnings fail the job)
        run: arbiter run --suite evaluators/suite.yaml --traces traces/sample.jsonl --out out/run --strict
      # Once a calibration is committed (arbiter calibrate ... then copy its calibration.json
      # here), gate a candidate against a baseline; exit 1 (blocked) and 4 (inconclusive) fail:
      #   arbiter gate --suite evaluators/suite.yaml --baseline out/baseline \
      #     --candidate out/run --calibration calibration.json --out out/gate
      - name: Upload the scorecard
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: arbiter
          path: out/run/
)";

}  // namespace

const std::vector<StarterFile>& StarterProject() {
  static const std::vector<StarterFile> files = {
      {"evaluators/suite.yaml", kSuite},
      {"evaluators/no-email.yaml", kNoEmail},
      {"evaluators/answer-length.yaml", kAnswerLength},
      {"evaluators/answer-not-truncated.yaml", kNotTruncated},
      {"evaluators/answer_not_truncated.lua", kNotTruncatedLua},
      {"sample-policy.yaml", kPolicy},
      {"traces/sample.jsonl", kTraces},
      {".github/workflows/arbiter.yml", kWorkflow},
  };
  return files;
}

}  // namespace arbiter
