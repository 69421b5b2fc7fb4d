#include "runner/triage/queue.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>

#include "runner/base/json_util.h"
#include "runner/base/report_text.h"

namespace arbiter {
namespace {

// Iglewicz & Hoaglin: 0.6745 is the 0.75 quantile of the standard normal, so that
// 0.6745 (x - median) / MAD is a z-score for normal data; 1.253314 = sqrt(pi / 2) does the same
// for the mean absolute deviation.
constexpr double kMadScale = 0.6745;
constexpr double kMeanAdScale = 1.253314;

// The entry of `sorted` (by index) for `index`, or null.
template <typename T>
const T* FindByIndex(const std::vector<T>& sorted, uint32_t index) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), index,
                             [](const T& entry, uint32_t i) { return entry.index < i; });
  return it != sorted.end() && it->index == index ? &*it : nullptr;
}

}  // namespace

uint64_t ContentHash(std::string_view text) { return Hash64(text); }

TriageQueue::TriageQueue(const TriageOptions& options, size_t shards) : options_(options) {
  for (size_t i = 0; i < shards; ++i) {
    shards_.push_back(std::unique_ptr<Shard>(new Shard(options, static_cast<uint16_t>(i))));
  }
}

TriageQueue::~TriageQueue() = default;

size_t TriageQueue::size() const {
  size_t n = records_.size();
  for (const auto& shard : shards_) n += shard->size();
  return n;
}

Status TriageQueue::Shard::Add(const TraceFacts& facts, size_t input, uint64_t ordinal,
                               uint64_t content_hash) {
  if (facts.trace_id.size() > kMaxTraceIdBytes) {
    return Status::InvalidArgument("trace_id longer than 65,535 bytes");
  }
  if (ids_.full() || ordinal > std::numeric_limits<uint32_t>::max() || input > 0xffff) {
    return Status::Internal("too many traces for one triage run (4 GB of trace ids)");
  }
  const uint64_t position = uint64_t{input} << 32 | ordinal;
  if (records_.size() > 0 && position <= last_position_) in_order_ = false;
  last_position_ = position;
  const uint32_t index = static_cast<uint32_t>(records_.size());
  Record& record = records_.emplace_back();
  record.id_offset = ids_.Append(facts.trace_id);
  record.id_length = static_cast<uint16_t>(facts.trace_id.size());
  record.shard = index_;
  record.input = static_cast<uint16_t>(input);
  record.ordinal = static_cast<uint32_t>(ordinal);
  record.content[0] = static_cast<uint32_t>(content_hash);
  record.content[1] = static_cast<uint32_t>(content_hash >> 32);
  if (facts.has_tokens) {
    record.tokens =
        static_cast<uint32_t>(std::min<double>(std::llround(facts.total_tokens), kNoTokens - 1));
  }
  // The key separates model and intent with a byte that cannot occur in JSON-decoded UTF-8 text
  // (0xff), so ("a", "b|c") and ("a|b", "c") stay apart.
  key_.assign(facts.model);
  key_ += '\xff';
  key_ += facts.intent;
  auto group = group_ids_.find(std::string_view(key_));
  if (group == group_ids_.end()) {
    group = group_ids_.emplace(key_, static_cast<uint32_t>(groups_.size())).first;
    groups_.push_back({std::string(facts.model), std::string(facts.intent)});
  }
  record.group = group->second;
  for (size_t i = 0; i < kTriageSignalCount; ++i) {
    if (facts.strength[i] > 0) {
      record.local_mask |= static_cast<uint8_t>(1u << i);
      record.local_score += static_cast<float>(options_.weights[i] * facts.strength[i]);
    }
  }
  // 0 means "no session"; a real session hashing to 0 (1 in 2^64) joins it.
  uint64_t session = facts.session_id.empty() ? 0 : ContentHash(facts.session_id);
  if (session == 0) return Status::OK();
  SessionTurn turn;
  turn.session = session;
  turn.index = index;
  turn.has_timestamp = facts.has_timestamp;
  turn.timestamp_ns = facts.timestamp_ns;
  if (!facts.input.empty() && facts.has_timestamp) turn.fingerprint = FingerprintText(facts.input);
  if (!turns_) {
    ARBITER_ASSIGN_OR_RETURN(turns_, TurnSpill::Create());
  }
  return turns_->Append(turn);
}

Status TriageQueue::Merge() {
  if (size() >= std::numeric_limits<uint32_t>::max()) {
    return Status::Internal("too many traces for one triage run (4,294,967,295)");
  }
  // Group ids in the order of the shards' first sight: an id never reaches the output.
  GroupIds group_ids, model_ids;
  for (auto& shard : shards_) {
    std::vector<uint32_t> to_queue;
    for (const Group& group : shard->groups_) {
      std::string key = group.model + '\xff' + group.intent;
      auto [it, added] = group_ids.emplace(key, static_cast<uint32_t>(groups_.size()));
      if (added) {
        auto model = model_ids.emplace(group.model, static_cast<uint32_t>(model_ids.size())).first;
        model_of_.push_back(model->second);
        groups_.push_back(group);
      }
      to_queue.push_back(it->second);
    }
    for (size_t i = 0; i < shard->records_.size(); ++i) {
      Record& record = shard->records_[i];
      record.group = to_queue[record.group];
    }
    GroupIds().swap(shard->group_ids_);
    std::vector<Group>().swap(shard->groups_);
  }
  models_ = model_ids.size();
  // Full blocks first, moved; then the partial ones, copied: a worker's memory is freed in its
  // own malloc arena, where the main thread would not reuse it for a copy.
  places_.resize(shards_.size());
  for (size_t k = 0; k < shards_.size(); ++k) {
    places_[k].size = static_cast<uint32_t>(shards_[k]->records_.size());
    places_[k].moved_base = static_cast<uint32_t>(records_.size());
    places_[k].moved = static_cast<uint32_t>(records_.TakeFullBlocks(shards_[k]->records_));
  }
  for (size_t k = 0; k < shards_.size(); ++k) {
    places_[k].tail_base = static_cast<uint32_t>(records_.size());
    shards_[k]->records_.Drain([&](Record& record) { records_.emplace_back() = record; });
  }
  return Status::OK();
}

std::vector<TriageQueue::GroupStats> TriageQueue::Stats(const std::vector<uint32_t>* to_model,
                                                        size_t groups) const {
  // The token counts by group with a counting sort (4 bytes per trace), then each group's run
  // sorted: exact medians for all groups in O(n log n), no per-group containers.
  auto group_of = [&](const Record& record) {
    return to_model ? (*to_model)[record.group] : record.group;
  };
  std::vector<size_t> begin(groups + 1, 0);
  for (size_t i = 0; i < records_.size(); ++i) {
    if (records_[i].tokens != kNoTokens) ++begin[group_of(records_[i]) + 1];
  }
  for (size_t g = 0; g < groups; ++g) begin[g + 1] += begin[g];
  std::vector<uint32_t> tokens(begin[groups]);
  std::vector<size_t> fill(begin.begin(), begin.end() - 1);
  for (size_t i = 0; i < records_.size(); ++i) {
    const Record& record = records_[i];
    if (record.tokens != kNoTokens) tokens[fill[group_of(record)]++] = record.tokens;
  }
  std::vector<GroupStats> stats(groups);
  std::vector<double> values, deviations;
  for (size_t g = 0; g < groups; ++g) {
    if (begin[g] == begin[g + 1]) continue;
    auto first = tokens.begin() + static_cast<std::ptrdiff_t>(begin[g]);
    auto last = tokens.begin() + static_cast<std::ptrdiff_t>(begin[g + 1]);
    std::sort(first, last);
    values.assign(first, last);
    stats[g] = ExactTokenStats(values, deviations);
  }
  return stats;
}

template <typename Visit>
void TriageQueue::ForEachInInputOrder(Visit&& visit) const {
  auto position = [&](uint32_t index) {
    return uint64_t{records_[index].input} << 32 | records_[index].ordinal;
  };
  bool in_order = true;
  for (const auto& shard : shards_) in_order = in_order && shard->in_order_;
  if (!in_order) {
    // Not as ScanRecords feeds the shards (a test's order, say): sort, 4 bytes per trace.
    std::vector<uint32_t> order(records_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return position(a) != position(b) ? position(a) < position(b) : a < b;
    });
    for (uint32_t index : order) visit(records_[index]);
    return;
  }
  // Each shard's records are a rising run of positions: merge the runs, a cursor per shard.
  using Head = std::pair<uint64_t, size_t>;  // position, shard
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  std::vector<uint32_t> next(shards_.size(), 0);
  for (size_t k = 0; k < shards_.size(); ++k) {
    if (places_[k].size > 0) heads.push({position(places_[k].Global(0)), k});
  }
  while (!heads.empty()) {
    const size_t k = heads.top().second;
    heads.pop();
    visit(records_[places_[k].Global(next[k]++)]);
    if (next[k] < places_[k].size) heads.push({position(places_[k].Global(next[k])), k});
  }
}

void TriageQueue::StreamStats() {
  // A sketch's items depend on the order of its values, so they come in input order, which a
  // replayed serve window repeats, rather than in the order the workers happened to add them.
  std::vector<QuantileSketch> groups(groups_.size()), models(models_);
  ForEachInInputOrder([&](const Record& record) {
    if (record.tokens == kNoTokens) return;
    groups[record.group].Add(record.tokens);
    models[model_of_[record.group]].Add(record.tokens);
  });
  auto stats = [](const std::vector<QuantileSketch>& sketches) {
    std::vector<GroupStats> out(sketches.size());
    for (size_t i = 0; i < sketches.size(); ++i) {
      if (sketches[i].count() > 0) out[i] = SketchTokenStats(sketches[i]);
    }
    return out;
  };
  by_group_ = stats(groups);
  by_model_ = stats(models);
}

TriageQueue::Spike TriageQueue::SpikeOf(const Record& record) const {
  Spike spike;
  if (record.tokens == kNoTokens) return spike;
  spike.stats = &by_group_[record.group];
  if (spike.stats->n < options_.min_group_size) {
    spike.stats = &by_model_[model_of_[record.group]];
    spike.model_wide = true;
    if (spike.stats->n < options_.min_group_size) return Spike();
  }
  const GroupStats& s = *spike.stats;
  double excess = static_cast<double>(record.tokens) - s.median;
  if (s.mad > 0) {
    spike.z = kMadScale * excess / s.mad;
  } else if (s.mean_ad > 0) {
    spike.z = excess / (kMeanAdScale * s.mean_ad);
  } else {
    return Spike();  // every trace of the group used the same count
  }
  if (spike.z < options_.spike_z) return Spike{0, spike.z, nullptr, false};
  spike.strength = std::min(2.0, 0.5 + 0.5 * (spike.z - options_.spike_z) / options_.spike_z);
  return spike;
}

double TriageQueue::ResubmissionStrength(float similarity) const {
  const double t = options_.resubmit_similarity;
  return t >= 1 ? 1.0 : 0.5 + 0.5 * (similarity - t) / (1 - t);
}

double TriageQueue::ScoreOf(const Record& record, const Spike& spike,
                            const Resubmission* resubmission) const {
  double score = record.local_score;
  if (spike.strength > 0) {
    score += options_.weights[static_cast<size_t>(TriageSignal::kTokenSpike)] * spike.strength;
  }
  if (resubmission) {
    score += options_.weights[static_cast<size_t>(TriageSignal::kResubmission)] *
             ResubmissionStrength(resubmission->similarity);
  }
  return score;
}

bool TriageQueue::RanksBefore(const Record& a, double score_a, const Record& b,
                              double score_b) const {
  if (score_a != score_b) return score_a > score_b;
  std::string_view id_a = IdOf(a), id_b = IdOf(b);
  if (id_a != id_b) return id_a < id_b;
  return a.content_hash() < b.content_hash();
}

void TriageQueue::JudgeSessions(std::vector<SessionTurn>& turns) {
  // Each turn against the next one of its session, ordered by time and then by the same
  // tie-breaks as the ranking, so the order of the input does not matter. Turns without a time
  // are in the spill for the per-session cap only.
  auto timed_end = std::partition(turns.begin(), turns.end(),
                                  [](const SessionTurn& turn) { return turn.has_timestamp; });
  std::sort(turns.begin(), timed_end, [&](const SessionTurn& a, const SessionTurn& b) {
    if (a.session != b.session) return a.session < b.session;
    if (a.timestamp_ns != b.timestamp_ns) return a.timestamp_ns < b.timestamp_ns;
    return RanksBefore(records_[a.index], 0, records_[b.index], 0);
  });
  const size_t timed = static_cast<size_t>(timed_end - turns.begin());
  const double window_ns = options_.resubmit_window_s * 1e9;
  for (size_t k = 0; k + 1 < timed; ++k) {
    const SessionTurn& a = turns[k];
    const SessionTurn& b = turns[k + 1];
    if (a.session != b.session ||
        static_cast<double>(b.timestamp_ns - a.timestamp_ns) > window_ns) {
      continue;
    }
    double similarity = FingerprintSimilarity(a.fingerprint, b.fingerprint);
    if (similarity < options_.resubmit_similarity) continue;
    resubmissions_.push_back(
        {a.index, b.index, static_cast<float>(similarity), b.timestamp_ns - a.timestamp_ns});
  }
}

template <typename Visit>
void TriageQueue::ForEachScore(Visit&& visit) const {
  size_t next = 0;  // resubmissions_ is by index
  for (uint32_t i = 0; i < records_.size(); ++i) {
    const Record& record = records_[i];
    Spike spike = SpikeOf(record);
    const Resubmission* resubmission = nullptr;
    if (next < resubmissions_.size() && resubmissions_[next].index == i) {
      resubmission = &resubmissions_[next++];
    }
    visit(i, record, spike, resubmission, ScoreOf(record, spike, resubmission));
  }
}

std::vector<TriageQueue::Candidate> TriageQueue::HeadCandidates(size_t prefix) const {
  if (prefix == 0) return {};
  // The prefix-th best score, with a heap of `prefix` scores.
  std::priority_queue<double, std::vector<double>, std::greater<>> best;
  ForEachScore([&](uint32_t, const Record&, const Spike&, const Resubmission*, double score) {
    if (!(score > 0)) return;
    if (best.size() < prefix) {
      best.push(score);
    } else if (score > best.top()) {
      best.pop();
      best.push(score);
    }
  });
  const double threshold = best.size() < prefix ? 0 : best.top();
  std::vector<Candidate> candidates;
  ForEachScore([&](uint32_t i, const Record&, const Spike&, const Resubmission*, double score) {
    if (score > 0 && score >= threshold) candidates.push_back({score, i});
  });
  return candidates;
}

std::vector<TurnSpill*> TriageQueue::Spills(std::vector<size_t>& shard_of) const {
  std::vector<TurnSpill*> spills;
  shard_of.clear();
  for (size_t k = 0; k < shards_.size(); ++k) {
    if (!shards_[k]->turns_) continue;
    spills.push_back(shards_[k]->turns_.get());
    shard_of.push_back(k);
  }
  return spills;
}

Status TriageQueue::LoadSessions(const std::vector<Candidate>& ranked, size_t count) {
  std::vector<bool> wanted(records_.size());
  for (size_t i = 0; i < count; ++i) wanted[ranked[i].index] = true;
  sessions_.clear();
  std::vector<size_t> shard_of;
  std::vector<TurnSpill*> spills = Spills(shard_of);
  for (size_t k = 0; k < spills.size(); ++k) {
    const ShardPlace& place = places_[shard_of[k]];
    ARBITER_RETURN_IF_ERROR(spills[k]->ReadBack([&](std::vector<SessionTurn>& chunk) {
      for (const SessionTurn& turn : chunk) {
        uint32_t index = place.Global(turn.index);
        if (wanted[index]) sessions_.push_back({index, turn.session});
      }
      return Status::OK();
    }));
  }
  std::sort(sessions_.begin(), sessions_.end(),
            [](const SessionOf& a, const SessionOf& b) { return a.index < b.index; });
  return Status::OK();
}

std::string TriageQueue::SpikeDetail(const Record& record, const Spike& spike) const {
  const Group& group = groups_[record.group];
  const GroupStats& s = *spike.stats;
  std::string text = "total tokens " + CountText(record.tokens) + " against " +
                     (s.estimated ? "an estimated median of " : "a median of ") +
                     CountText(s.median) + " over " + CountText(static_cast<double>(s.n)) +
                     " traces of model '" + group.model + "'";
  if (spike.model_wide) {
    text += " (intent '" + group.intent + "' has fewer than " +
            std::to_string(options_.min_group_size) + ")";
  } else {
    text += ", intent '" + group.intent + "'";
  }
  text += s.mad > 0 ? ", MAD " + CountText(s.mad)
                    : ", MAD 0, mean absolute deviation " + FigureText(s.mean_ad, 1);
  return text + ": robust z " + FigureText(spike.z, 1);
}

Result<TriageRanking> TriageQueue::Finish(size_t bucket_turns) {
  ARBITER_RETURN_IF_ERROR(Merge());
  if (options_.group_stats == TriageGroupStats::kStreaming) {
    StreamStats();
  } else {
    by_group_ = Stats(nullptr, groups_.size());
    by_model_ = Stats(&model_of_, models_);
  }

  std::vector<size_t> shard_of;
  std::vector<TurnSpill*> spills = Spills(shard_of);
  ARBITER_RETURN_IF_ERROR(VisitSessionBuckets(
      spills, [&](size_t k, uint32_t index) { return places_[shard_of[k]].Global(index); },
      bucket_turns,
      [&](std::vector<SessionTurn>& turns) {
        JudgeSessions(turns);
        return Status::OK();
      }));
  std::sort(resubmissions_.begin(), resubmissions_.end(),
            [](const Resubmission& a, const Resubmission& b) { return a.index < b.index; });

  TriageRanking ranking;
  size_t with_score = 0;
  ForEachScore([&](uint32_t, const Record& record, const Spike& spike,
                   const Resubmission* resubmission, double score) {
    for (size_t s = 0; s < kTriageSignalCount; ++s) {
      ranking.fired[s] += (record.local_mask >> s) & 1;
    }
    if (spike.strength > 0) ++ranking.fired[static_cast<size_t>(TriageSignal::kTokenSpike)];
    if (resubmission) ++ranking.fired[static_cast<size_t>(TriageSignal::kResubmission)];
    if (score > 0) ++with_score;
  });
  auto before = [&](const Candidate& x, const Candidate& y) {
    return RanksBefore(records_[x.index], x.score, records_[y.index], y.score);
  };
  // Only the head of the ranking is needed: sort a prefix a few times the queue's length, and a
  // longer one only when the per-session cap skipped so many that the prefix ran out.
  std::vector<Candidate> picked;
  size_t prefix = std::min(with_score, 4 * options_.top + 64);
  for (;;) {
    std::vector<Candidate> candidates = HeadCandidates(prefix);
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(prefix),
                      candidates.end(), before);
    if (options_.per_session > 0) ARBITER_RETURN_IF_ERROR(LoadSessions(candidates, prefix));
    picked.clear();
    std::unordered_map<uint64_t, size_t> per_session;
    size_t walked = 0;
    for (; walked < prefix && picked.size() < options_.top; ++walked) {
      const SessionOf* session = FindByIndex(sessions_, candidates[walked].index);
      if (session && options_.per_session > 0 &&
          per_session[session->session]++ >= options_.per_session) {
        continue;
      }
      picked.push_back(candidates[walked]);
    }
    if (picked.size() >= options_.top || prefix == with_score) break;
    prefix = std::min(with_score, prefix * 4);
  }

  for (const Candidate& candidate : picked) {
    const Record& record = records_[candidate.index];
    QueuedTrace& queued = ranking.queued.emplace_back();
    queued.input = record.input;
    queued.ordinal = record.ordinal;
    queued.trace_id = std::string(IdOf(record));
    queued.score = candidate.score;
    for (size_t s = 0; s < kTriageSignalCount; ++s) {
      ranking.fired_queued[s] += (record.local_mask >> s) & 1;
    }
    Spike spike = SpikeOf(record);
    if (spike.strength > 0) {
      queued.reasons.push_back(
          {TriageSignal::kTokenSpike, spike.strength, SpikeDetail(record, spike)});
      ++ranking.fired_queued[static_cast<size_t>(TriageSignal::kTokenSpike)];
    }
    if (const Resubmission* resubmission = FindByIndex(resubmissions_, candidate.index)) {
      double seconds = static_cast<double>(resubmission->gap_ns) / 1e9;
      queued.reasons.push_back(
          {TriageSignal::kResubmission, ResubmissionStrength(resubmission->similarity),
           "asked again " + FigureText(seconds, seconds < 10 ? 1 : 0) + " s later in '" +
               std::string(IdOf(records_[resubmission->successor])) + "' (input similarity " +
               FigureText(resubmission->similarity, 2) + ")"});
      ++ranking.fired_queued[static_cast<size_t>(TriageSignal::kResubmission)];
    }
  }
  return ranking;
}

}  // namespace arbiter
