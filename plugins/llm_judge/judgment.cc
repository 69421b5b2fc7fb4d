#include "plugins/llm_judge/judgment.h"

#include "runner/base/json_util.h"
#include "runner/base/sha256.h"

namespace arbiter {
namespace {

// Scores of the samples for a reason: "1, 0, 1".
std::string ScoreList(const std::vector<std::optional<Result<JudgeAnswer>>>& samples) {
  std::string out;
  for (const auto& sample : samples) {
    if (!out.empty()) out += ", ";
    AppendJsonNumber(out, (*sample)->raw);
  }
  return out;
}

}  // namespace

std::string JudgeCore::Redact(std::string text) const {
  return ScrubSecret(std::move(text), api_key);
}

std::string JudgeCore::CacheKey(const std::string& prompt, int index) const {
  Sha256 hash;
  auto field = [&](std::string_view value) {
    hash.Update(std::to_string(value.size()));
    hash.Update(":");
    hash.Update(value);
    hash.Update("\n");
  };
  std::string temperature;
  AppendJsonNumber(temperature, model.temperature);
  // Everything that can change an answer: the server (two servers may serve one model name
  // differently), the rubric's bytes (not only its id and version), and the settings.
  field("arbiter-llm-judge-cache/2");
  field(model.base_url);
  field(model.provider == Provider::kOpenAi ? "openai" : "anthropic");
  field(model.model);
  field(rubric.id);
  field(std::to_string(rubric.version));
  field(rubric.sha256);
  field(std::to_string(samples));
  field(temperature);
  field(std::to_string(model.max_tokens));
  field(model.structured_output ? "structured" : "free");
  field(std::to_string(index));
  field(system_prompt);
  field(prompt);
  return hash.Hex();
}

Result<Score> JudgeCore::Aggregate(
    const std::vector<std::optional<Result<JudgeAnswer>>>& samples) const {
  const size_t k = samples.size();
  for (size_t i = 0; i < k; ++i) {
    if (samples[i]->ok()) continue;
    std::string prefix =
        k > 1 ? "sample " + std::to_string(i + 1) + " of " + std::to_string(k) + ": " : "";
    return Status::Internal(prefix + samples[i]->status().message());
  }
  if (k == 1) return Score{(*samples[0])->score, (*samples[0])->reason};

  size_t passes = 0;
  for (const auto& sample : samples) passes += (*sample)->score >= pass_threshold;
  ++multi_sample_judged;
  if (passes != 0 && passes != k) ++flipped;

  Score score;
  if (aggregation == Aggregation::kMean) {
    double sum = 0;
    for (const auto& sample : samples) sum += (*sample)->score;  // in sample order: reproducible
    score.value = sum / static_cast<double>(k);
    score.reason = (*samples[0])->reason + " (mean of " + std::to_string(k) +
                   " samples: " + ScoreList(samples) + ")";
    return score;
  }
  // Majority of verdicts; a tie counts as a fail (the cautious reading of a split judge).
  bool pass = 2 * passes > k;
  double sum = 0;
  size_t n = 0;
  std::string reason;
  for (const auto& sample : samples) {
    if (((*sample)->score >= pass_threshold) != pass) continue;
    if (n == 0) reason = (*sample)->reason;
    sum += (*sample)->score;
    ++n;
  }
  score.value = sum / static_cast<double>(n);
  score.reason =
      reason + " (majority of " + std::to_string(k) + " samples: " + ScoreList(samples) + ")";
  return score;
}

Judgment::Judgment(std::shared_ptr<const JudgeCore> core, std::string prompt)
    : core_(std::move(core)), prompt_(std::move(prompt)) {
  samples_.resize(static_cast<size_t>(core_->samples));
  for (int i = 0; i < core_->samples; ++i) keys_.push_back(core_->CacheKey(prompt_, i));
}

bool Judgment::ReadCache() {
  if (!core_->cache) return false;
  bool all = true;
  for (size_t i = 0; i < samples_.size(); ++i) {
    std::optional<CachedResponse> hit = core_->cache->Get(keys_[i]);
    Result<JudgeAnswer> answer =
        hit ? ParseJudgeAnswer(hit->text, core_->rubric.scale) : Status::NotFound("");
    if (!answer.ok()) {  // absent, or stored under an older scale: ask again
      all = false;
      continue;
    }
    ++core_->cache_hits;
    samples_[i] = std::move(answer);
  }
  return all;
}

void Judgment::SendMissing() {
  WireRequest request =
      BuildWireRequest(core_->model, core_->system_prompt, prompt_, core_->rubric.output_fields,
                       core_->rubric.scale != JudgeScale::kUnit);
  url_ = std::move(request.url);
  headers_ = std::move(request.headers);
  if (!core_->api_key.empty())
    headers_.push_back(ApiKeyHeader(core_->model.provider, core_->api_key));
  request_body_ = std::move(request.body);
  estimated_tokens_ = static_cast<int64_t>(request_body_.size() / 4) + core_->model.max_tokens;
  std::vector<int> missing;
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < samples_.size(); ++i) {
      if (!samples_[i]) missing.push_back(static_cast<int>(i));
    }
    remaining_ = static_cast<int>(missing.size());
  }
  for (int index : missing) Send(index, 0);
}

void Judgment::Send(int index, int answer_attempt) {
  HttpCall call;
  call.url = url_;
  call.headers = headers_;
  call.body = request_body_;
  call.estimated_tokens = estimated_tokens_;
  call.retry = core_->retry;
  call.secret = core_->api_key;
  call.counters = &core_->http;
  std::shared_ptr<Judgment> self = shared_from_this();
  core_->loop->Submit(core_->endpoint, std::move(call),
                      [self, index, answer_attempt](HttpOutcome outcome) {
                        self->OnResponse(index, answer_attempt, std::move(outcome));
                      });
}

void Judgment::OnResponse(int index, int answer_attempt, HttpOutcome outcome) {
  if (!outcome.error.empty()) {
    ++core_->failed_calls;
    return Set(index, Status::Internal("judge call failed: " + core_->Redact(outcome.error)));
  }
  // Scrubbed before parsing: a malformed body is quoted, cut to 120 characters, in the error.
  Result<WireResponse> wire = ParseWireResponse(core_->model.provider, core_->Redact(outcome.body));
  Result<JudgeAnswer> answer = Status::Corruption("no answer");
  if (wire.ok()) {
    ++core_->calls;
    core_->input_tokens += wire->input_tokens;
    core_->output_tokens += wire->output_tokens;
    core_->loop->ReportTokens(core_->endpoint, estimated_tokens_,
                              wire->input_tokens + wire->output_tokens);
    answer = ParseJudgeAnswer(wire->text, core_->rubric.scale);
  } else {
    answer = wire.status();
  }
  if (!answer.ok()) {
    // A model's answer can be malformed by chance: ask once more before recording an error.
    if (answer_attempt == 0) return Send(index, 1);
    return Set(index, Status::Internal("judge answer unusable after 2 calls: " +
                                       core_->Redact(answer.status().message())));
  }
  if (core_->cache) {
    core_->cache->Put(keys_[static_cast<size_t>(index)],
                      CachedResponse{wire->text, wire->input_tokens, wire->output_tokens});
  }
  Set(index, std::move(answer));
}

void Judgment::Set(int index, Result<JudgeAnswer> answer) {
  std::lock_guard lock(mutex_);
  samples_[static_cast<size_t>(index)] = std::move(answer);
  if (--remaining_ == 0) done_.notify_all();
}

Result<Score> Judgment::Wait() {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return remaining_ == 0; });
  return core_->Aggregate(samples_);
}

}  // namespace arbiter
