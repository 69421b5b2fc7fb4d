// One trace while the generator assembles it, and the steps that do not depend on sessions:
// retrieval, the wrong-tool pick, usage/latency/feedback, and writing the JSON lines.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/demo/demo_content.h"
#include "datasets/demo/demo_rng.h"
#include "datasets/demo/demo_template.h"
#include "datasets/demo/demo_tools.h"

namespace arbiter::demo {

inline constexpr std::array<std::string_view, 3> kPersonas = {"consumer", "smb", "enterprise"};
inline constexpr std::array<std::string_view, 4> kChannels = {"web_chat", "mobile_app", "email",
                                                              "api"};
inline constexpr int kApiChannel = 3;

struct ModelInfo {
  std::string_view name;
  int context_window;
  int base_ms;       // time to first token
  int ms_per_token;  // decoding speed
};
inline constexpr std::array<ModelInfo, 4> kModels = {{
    {"gpt-4o-mini-2024-07-18", 128000, 350, 9},
    {"claude-3-5-haiku-20241022", 200000, 450, 7},
    {"llama-3.1-70b-instruct", 131072, 600, 14},
    {"mistral-small-2409", 32768, 400, 11},
}};
inline constexpr std::array<std::string_view, 3> kPromptVersions = {"v11", "v12", "v13"};

struct TraceDraft {
  std::string trace_id;
  std::string session_id;
  std::string user_id;
  int64_t time = 0;  // seconds since the epoch
  const Intent* intent = nullptr;
  Lang lang = kEn;
  int persona = 0;
  int channel = 0;
  std::string plan;
  bool json = false;  // metadata.response_format
  int model = 0;
  int prompt_version = 0;
  int turn = 1;               // position in the session, from 1
  std::string history_input;  // the session's previous turn, replayed in `messages`
  std::string history_output;

  Vars vars;
  int64_t amount_cents = 0;
  bool minor_units = true;
  std::string system_prompt;  // set by FinishTrace
  std::string input;
  std::string output;  // empty with status_error: the trace has no `output`

  int id_style = 0;  // 0 doc1.., 1 KB-1042, 2 no ids (evaluators see doc0..)
  std::vector<const Doc*> docs;
  std::vector<std::string> doc_ids;  // effective ids, as the citations evaluator sees them
  std::vector<std::string> kb_ids;   // KB-style ids, as the search tool reports them
  std::vector<int> doc_scores;       // retrieval scores in hundredths
  std::string invented_id;

  std::vector<ToolCall> calls;
  bool status_error = false;
  std::string error;  // why the model call failed, with status_error
  bool model_escalates = false;
  bool escalated = false;  // metadata.escalated: a human took over
  std::string_view thumbs = "none";
  std::string comment;  // empty: null
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t latency_ms = 0;
};

// Fills docs, doc_ids, kb_ids, doc_scores and id_style: 1-4 documents, the intent's articles
// first, then general ones.
void PickDocuments(TraceDraft& d, DemoRng& rng);

// Another intent's tool that is neither `intent`'s tool nor one of its helpers.
std::string_view WrongTool(const Intent& intent, DemoRng& rng);

// The model error, usage, latency, feedback and escalation, which follow from everything else.
void FinishTrace(TraceDraft& d, const std::array<bool, kFailureCount>& injected, DemoRng& rng);

// Appends the trace as one JSON line in the SPEC "Trace format".
void WriteTrace(const TraceDraft& d, std::string& out);

// Appends {"trace_id": ..., "injected": [...]} as one line.
void WriteTruth(std::string_view trace_id, const std::array<bool, kFailureCount>& injected,
                std::string& out);

}  // namespace arbiter::demo
