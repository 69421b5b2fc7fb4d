#include "runner/triage/queue.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "runner/base/hash.h"
#include "runner/base/json_util.h"
#include "runner/base/report_text.h"

namespace arbiter {
namespace {

// Iglewicz & Hoaglin: 0.6745 is the 0.75 quantile of the standard normal, so that
// 0.6745 (x - median) / MAD is a z-score for normal data; 1.253314 = sqrt(pi / 2) does the same
// for the mean absolute deviation.
constexpr double kMadScale = 0.6745;
constexpr double kMeanAdScale = 1.253314;

// Median of sorted values.
double SortedMedian(const std::vector<double>& sorted) {
  size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

// The exact median, in linear time; reorders `values`. REQUIRES: !values.empty().
double Median(std::vector<double>& values) {
  size_t n = values.size();
  auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (n % 2) return *middle;
  return (*std::max_element(values.begin(), middle) + *middle) / 2;
}

}  // namespace

uint64_t ContentHash(std::string_view text) { return Hash64(text); }

TriageQueue::TriageQueue(const TriageOptions& options) : options_(options) {}

uint32_t TriageQueue::GroupId(std::string_view model, std::string_view intent,
                              std::unordered_map<std::string, uint32_t>& ids) {
  auto it = ids.find(key_);
  if (it != ids.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(ids.size());
  ids.emplace(key_, id);
  if (&ids == &group_ids_) groups_.push_back({std::string(model), std::string(intent)});
  return id;
}

Status TriageQueue::Add(const TraceFacts& facts, size_t input, uint64_t ordinal,
                        uint64_t content_hash) {
  if (facts.trace_id.size() > kMaxTraceIdBytes) {
    return Status::InvalidArgument("trace_id longer than 65,535 bytes");
  }
  if (ids_.size() + facts.trace_id.size() > std::numeric_limits<uint32_t>::max() ||
      ordinal > std::numeric_limits<uint32_t>::max() || input > 0xffff) {
    return Status::Internal("too many traces for one triage run (4 GB of trace ids)");
  }
  Record& record = records_.emplace_back();
  record.id_offset = static_cast<uint32_t>(ids_.size());
  record.id_length = static_cast<uint16_t>(facts.trace_id.size());
  ids_.append(facts.trace_id);
  record.input = static_cast<uint16_t>(input);
  record.ordinal = static_cast<uint32_t>(ordinal);
  record.content = content_hash;
  // 0 means "no session"; a real session hashing to 0 (1 in 2^64) joins it.
  record.session = facts.session_id.empty() ? 0 : ContentHash(facts.session_id);
  record.has_timestamp = facts.has_timestamp;
  record.timestamp_ns = facts.timestamp_ns;
  if (facts.has_tokens) {
    record.tokens =
        static_cast<uint32_t>(std::min<double>(std::llround(facts.total_tokens), kNoTokens - 1));
  }
  // The key separates model and intent with a byte that cannot occur in JSON-decoded UTF-8 text
  // (0xff), so ("a", "b|c") and ("a|b", "c") stay apart.
  key_.assign(facts.model);
  record.model_group = GroupId(facts.model, "", model_ids_);
  key_ += '\xff';
  key_ += facts.intent;
  record.group = GroupId(facts.model, facts.intent, group_ids_);
  for (size_t i = 0; i < kTriageSignalCount; ++i) {
    if (facts.strength[i] > 0) {
      record.local_mask |= static_cast<uint8_t>(1u << i);
      record.local_score += static_cast<float>(options_.weights[i] * facts.strength[i]);
    }
  }
  if (!facts.input.empty() && !facts.session_id.empty() && facts.has_timestamp) {
    record.fingerprint = FingerprintText(facts.input);
  }
  return Status::OK();
}

std::vector<TriageQueue::GroupStats> TriageQueue::Stats(uint32_t Record::*group,
                                                        size_t groups) const {
  // One sort of (group, tokens) keys puts every group's values in a sorted run: exact medians
  // for all groups in O(n log n), no per-group containers.
  std::vector<uint64_t> keys;
  keys.reserve(records_.size());
  for (size_t i = 0; i < records_.size(); ++i) {
    const Record& record = records_[i];
    if (record.tokens != kNoTokens) keys.push_back(uint64_t{record.*group} << 32 | record.tokens);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<GroupStats> stats(groups);
  std::vector<double> values, deviations;
  for (size_t begin = 0; begin < keys.size();) {
    uint32_t id = static_cast<uint32_t>(keys[begin] >> 32);
    size_t end = begin;
    values.clear();
    while (end < keys.size() && (keys[end] >> 32) == id) {
      values.push_back(static_cast<double>(keys[end] & 0xffffffff));
      ++end;
    }
    GroupStats& s = stats[id];
    s.n = values.size();
    s.median = SortedMedian(values);
    deviations.clear();
    double sum = 0;
    for (double v : values) {
      deviations.push_back(std::fabs(v - s.median));
      sum += deviations.back();
    }
    s.mad = Median(deviations);
    s.mean_ad = sum / static_cast<double>(values.size());
    begin = end;
  }
  return stats;
}

TriageQueue::Spike TriageQueue::SpikeOf(const Record& record,
                                        const std::vector<GroupStats>& by_group,
                                        const std::vector<GroupStats>& by_model) const {
  Spike spike;
  if (record.tokens == kNoTokens) return spike;
  spike.stats = &by_group[record.group];
  if (spike.stats->n < options_.min_group_size) {
    spike.stats = &by_model[record.model_group];
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

bool TriageQueue::RanksBefore(const Record& a, double score_a, const Record& b,
                              double score_b) const {
  if (score_a != score_b) return score_a > score_b;
  std::string_view id_a = IdOf(a), id_b = IdOf(b);
  if (id_a != id_b) return id_a < id_b;
  return a.content < b.content;
}

std::string TriageQueue::SpikeDetail(const Record& record, const Spike& spike) const {
  const Group& group = groups_[record.group];
  const GroupStats& s = *spike.stats;
  std::string text = "total tokens " + CountText(record.tokens) + " against a median of " +
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

TriageRanking TriageQueue::Finish() const {
  const size_t n = records_.size();
  std::vector<GroupStats> by_group = Stats(&Record::group, group_ids_.size());
  std::vector<GroupStats> by_model = Stats(&Record::model_group, model_ids_.size());

  // Sessions: each turn against the next one of its session, ordered by time and then by the
  // same tie-breaks as the ranking, so the order of the input does not matter.
  struct Turn {
    uint64_t session, timestamp_ns;
    uint32_t index;
  };
  std::vector<Turn> turn_keys;  // compact, so the sort does not chase records
  for (uint32_t i = 0; i < n; ++i) {
    const Record& r = records_[i];
    if (r.session != 0 && r.has_timestamp) turn_keys.push_back({r.session, r.timestamp_ns, i});
  }
  std::sort(turn_keys.begin(), turn_keys.end(), [&](const Turn& a, const Turn& b) {
    if (a.session != b.session) return a.session < b.session;
    if (a.timestamp_ns != b.timestamp_ns) return a.timestamp_ns < b.timestamp_ns;
    return RanksBefore(records_[a.index], 0, records_[b.index], 0);
  });
  std::vector<uint32_t> turns;
  turns.reserve(turn_keys.size());
  for (const Turn& turn : turn_keys) turns.push_back(turn.index);
  std::vector<Turn>().swap(turn_keys);
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> successor(n, kNone);
  std::vector<float> resubmission(n, 0);
  const double window_ns = options_.resubmit_window_s * 1e9;
  for (size_t k = 0; k + 1 < turns.size(); ++k) {
    const Record& a = records_[turns[k]];
    const Record& b = records_[turns[k + 1]];
    if (a.session != b.session ||
        static_cast<double>(b.timestamp_ns - a.timestamp_ns) > window_ns) {
      continue;
    }
    double similarity = FingerprintSimilarity(a.fingerprint, b.fingerprint);
    if (similarity < options_.resubmit_similarity) continue;
    successor[turns[k]] = turns[k + 1];
    resubmission[turns[k]] = static_cast<float>(similarity);
  }

  TriageRanking ranking;
  std::vector<double> scores(n, 0);
  std::vector<uint32_t> candidates;
  const double t = options_.resubmit_similarity;
  auto resubmission_strength = [&](uint32_t i) {
    return t >= 1 ? 1.0 : 0.5 + 0.5 * (resubmission[i] - t) / (1 - t);
  };
  for (uint32_t i = 0; i < n; ++i) {
    const Record& record = records_[i];
    double score = record.local_score;
    for (size_t s = 0; s < kTriageSignalCount; ++s)
      ranking.fired[s] += (record.local_mask >> s) & 1;
    Spike spike = SpikeOf(record, by_group, by_model);
    if (spike.strength > 0) {
      score += options_.weights[static_cast<size_t>(TriageSignal::kTokenSpike)] * spike.strength;
      ++ranking.fired[static_cast<size_t>(TriageSignal::kTokenSpike)];
    }
    if (successor[i] != kNone) {
      score += options_.weights[static_cast<size_t>(TriageSignal::kResubmission)] *
               resubmission_strength(i);
      ++ranking.fired[static_cast<size_t>(TriageSignal::kResubmission)];
    }
    scores[i] = score;
    if (score > 0) candidates.push_back(i);
  }
  auto before = [&](uint32_t x, uint32_t y) {
    return RanksBefore(records_[x], scores[x], records_[y], scores[y]);
  };
  // Only the head of the ranking is needed: sort a prefix a few times the queue's length, and a
  // longer one only when the per-session cap skipped so many that the prefix ran out.
  std::vector<uint32_t> picked;
  size_t prefix = std::min(candidates.size(), 4 * options_.top + 64);
  for (;;) {
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(prefix),
                      candidates.end(), before);
    picked.clear();
    std::unordered_map<uint64_t, size_t> per_session;
    size_t walked = 0;
    for (; walked < prefix && picked.size() < options_.top; ++walked) {
      const Record& record = records_[candidates[walked]];
      if (record.session != 0 && options_.per_session > 0 &&
          per_session[record.session]++ >= options_.per_session) {
        continue;
      }
      picked.push_back(candidates[walked]);
    }
    if (picked.size() >= options_.top || prefix == candidates.size()) break;
    prefix = std::min(candidates.size(), prefix * 4);
  }

  for (uint32_t i : picked) {
    const Record& record = records_[i];
    QueuedTrace& queued = ranking.queued.emplace_back();
    queued.input = record.input;
    queued.ordinal = record.ordinal;
    queued.trace_id = std::string(IdOf(record));
    queued.score = scores[i];
    for (size_t s = 0; s < kTriageSignalCount; ++s) {
      ranking.fired_queued[s] += (record.local_mask >> s) & 1;
    }
    Spike spike = SpikeOf(record, by_group, by_model);
    if (spike.strength > 0) {
      queued.reasons.push_back(
          {TriageSignal::kTokenSpike, spike.strength, SpikeDetail(record, spike)});
      ++ranking.fired_queued[static_cast<size_t>(TriageSignal::kTokenSpike)];
    }
    if (successor[i] != kNone) {
      const Record& next = records_[successor[i]];
      double seconds = static_cast<double>(next.timestamp_ns - record.timestamp_ns) / 1e9;
      queued.reasons.push_back({TriageSignal::kResubmission, resubmission_strength(i),
                                "asked again " + FigureText(seconds, seconds < 10 ? 1 : 0) +
                                    " s later in '" + std::string(IdOf(next)) +
                                    "' (input similarity " + FigureText(resubmission[i], 2) + ")"});
      ++ranking.fired_queued[static_cast<size_t>(TriageSignal::kResubmission)];
    }
  }
  return ranking;
}

}  // namespace arbiter
