// The queue's compact storage: ids and records read back as written, session buckets hold whole
// sessions, and spilling session turns changes no ranking: the demo's queue is the same for any
// number of shards and buckets, and equals the figures of the queue that kept every trace's
// session, time and input fingerprint in memory (its queue of the demo traces with --top 200
// --per-session 0, in tests/golden/triage-demo-head.txt, and its signal counts). The streaming
// group figures: the exact queue where groups are small, the same spikes within the sketch's
// rank error on a large group, the same queue whatever the shards and the order they were fed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "runner/stats/stats.h"
#include "runner/triage/blocks.h"
#include "runner/triage/queue.h"
#include "runner/triage/session_turns.h"
#include "runner/triage/signals.h"
#include "runner/triage/token_stats.h"
#include "tests/test_util.h"

namespace arbiter {
namespace {

using testing::ReadFile;

TEST(TriageStorageTest, StringArenaReadsBackAcrossChunks) {
  StringArena arena;
  std::vector<std::pair<uint32_t, std::string>> written;
  std::mt19937 rng(5);
  for (int i = 0; i < 20000; ++i) {  // about 3 MiB: several chunks
    std::string id(rng() % 300, static_cast<char>('a' + i % 26));
    id += std::to_string(i);
    written.emplace_back(arena.Append(id), id);
  }
  for (const auto& [offset, id] : written) ASSERT_EQ(arena.Get(offset, id.size()), id);
}

TEST(TriageStorageTest, BlockVectorIndexesAndDrainsInOrder) {
  BlockVector<uint32_t> values;
  for (uint32_t i = 0; i < 200000; ++i) values.emplace_back() = i * 3;
  ASSERT_EQ(values.size(), 200000u);
  EXPECT_EQ(values[0], 0u);
  EXPECT_EQ(values[65536], 65536u * 3);
  EXPECT_EQ(values[199999], 199999u * 3);
  uint32_t expected = 0;
  bool in_order = true;
  values.Drain([&](uint32_t& value) {
    in_order = in_order && value == expected * 3;
    ++expected;
  });
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected, 200000u);
  EXPECT_EQ(values.size(), 0u);
}

TEST(TriageSessionTurnsTest, BucketsHoldWholeSessionsAndEveryTurnOnce) {
  std::mt19937_64 rng(3);
  std::vector<uint64_t> sessions(700);
  for (uint64_t& session : sessions) session = rng() | 1;
  std::vector<std::unique_ptr<TurnSpill>> spills;
  const std::vector<uint32_t> bases = {0, 10000, 20000};
  std::map<uint32_t, uint64_t> session_of;  // global index -> session
  for (size_t k = 0; k < bases.size(); ++k) {
    auto spill = TurnSpill::Create();
    ASSERT_TRUE(spill.ok()) << spill.status().ToString();
    for (uint32_t local = 0; local < 2000; ++local) {
      SessionTurn turn;
      turn.session = sessions[rng() % sessions.size()];
      turn.index = local;
      turn.timestamp_ns = rng();
      ASSERT_TRUE((*spill)->Append(turn).ok());
      session_of[bases[k] + local] = turn.session;
    }
    spills.push_back(std::move(*spill));
  }
  for (size_t bucket_turns : {size_t{1} << 16, size_t{64}}) {
    std::map<uint64_t, int> bucket_of;  // session -> the one bucket that holds it
    std::set<uint32_t> seen;
    int buckets = 0;
    std::vector<TurnSpill*> spilled;
    for (auto& spill : spills) spilled.push_back(spill.get());
    auto to_global = [&](size_t k, uint32_t index) { return bases[k] + index; };
    Status visited =
        VisitSessionBuckets(spilled, to_global, bucket_turns, [&](std::vector<SessionTurn>& turns) {
          for (const SessionTurn& turn : turns) {
            EXPECT_TRUE(seen.insert(turn.index).second);
            EXPECT_EQ(session_of[turn.index], turn.session);
            auto [it, added] = bucket_of.emplace(turn.session, buckets);
            EXPECT_EQ(it->second, buckets);
          }
          ++buckets;
          return Status::OK();
        });
    ASSERT_TRUE(visited.ok()) << visited.ToString();
    EXPECT_EQ(seen.size(), session_of.size());
    EXPECT_EQ(buckets, bucket_turns == 64 ? 128 : 1);  // 6,000 turns: 94 buckets of 64, rounded
  }
}

// The demo traces through LocalSignals into a queue of `shards` shards, dealt round robin, ranked
// with session buckets of about `bucket_turns` turns.
TriageRanking RankDemo(const TriageOptions& options, size_t shards, size_t bucket_turns) {
  auto signals = LocalSignals::Create(options);
  EXPECT_TRUE(signals.ok());
  TriageQueue queue(options, shards);
  std::istringstream lines(ReadFile("datasets/demo/traces.jsonl"));
  simdjson::dom::parser parser;
  uint64_t ordinal = 0;
  for (std::string line; std::getline(lines, line); ++ordinal) {
    simdjson::dom::element root;
    EXPECT_FALSE(parser.parse(line).get(root));
    TraceFacts facts;
    EXPECT_EQ((*signals)->Read(root, facts, nullptr), "");
    EXPECT_TRUE(queue.shard(ordinal % shards).Add(facts, 0, ordinal, ContentHash(line)).ok());
  }
  Result<TriageRanking> ranking = queue.Finish(bucket_turns);
  EXPECT_TRUE(ranking.ok()) << ranking.status().ToString();
  return ranking.ok() ? std::move(*ranking) : TriageRanking();
}

// "trace_id score | reason detail..." per queued trace, the score as the queue file has it.
std::vector<std::string> Head(const TriageRanking& ranking, size_t count) {
  std::vector<std::string> head;
  for (size_t i = 0; i < ranking.queued.size() && i < count; ++i) {
    const QueuedTrace& queued = ranking.queued[i];
    char score[32];
    std::snprintf(score, sizeof(score), "%.3f", RoundTo(queued.score, 3));
    std::string line = queued.trace_id + " " + score;
    for (const TriageReason& reason : queued.reasons) line += " | " + reason.detail;
    head.push_back(line);
  }
  return head;
}

TEST(TriageQueueTest, SpilledSessionsRankAsTheQueueThatKeptThemInMemory) {
  TriageOptions options;
  options.top = 200;
  options.per_session = 0;
  TriageRanking one = RankDemo(options, 1, kSessionBucketTurns);
  ASSERT_EQ(one.queued.size(), 200u);
  std::vector<std::string> reference = Head(one, 200);
  TriageRanking split = RankDemo(options, 3, 8);  // a bucket per few sessions
  EXPECT_EQ(Head(split, 200), reference);
  EXPECT_EQ(split.fired, one.fired);
  EXPECT_EQ(split.fired_queued, one.fired_queued);
  for (size_t i = 0; i < one.queued.size(); ++i) {
    EXPECT_EQ(split.queued[i].ordinal, one.queued[i].ordinal);
  }
  // The figures of the queue before the spill, on the same traces and options.
  std::vector<std::string> before;
  std::istringstream golden(ReadFile("tests/golden/triage-demo-head.txt"));
  for (std::string line; std::getline(golden, line);) before.push_back(line);
  EXPECT_EQ(reference, before);
  // context_pressure, token_spike, resubmission, tool_errors, refusal, guardrail, feedback
  EXPECT_EQ(one.fired, (std::array<uint64_t, kTriageSignalCount>{0, 76, 153, 152, 24, 0, 152}));
  // And with the default cap of one trace per session.
  TriageOptions capped;
  capped.top = 50;
  EXPECT_EQ(Head(RankDemo(capped, 1, kSessionBucketTurns), 50), Head(RankDemo(capped, 2, 4), 50));
}

TEST(TriageQueueTest, StreamingGroupStatsAreTheExactOnesForSmallGroups) {
  // The demo's groups hold under 1,025 traces each: the sketches never compact.
  TriageOptions exact;
  exact.top = 200;
  exact.per_session = 0;
  TriageOptions streaming = exact;
  streaming.group_stats = TriageGroupStats::kStreaming;
  TriageRanking reference = RankDemo(exact, 1, kSessionBucketTurns);
  TriageRanking streamed = RankDemo(streaming, 3, kSessionBucketTurns);
  EXPECT_EQ(Head(streamed, 200), Head(reference, 200));
  EXPECT_EQ(streamed.fired, reference.fired);
}

// 50,000 traces of one model and intent, totals 2,000 +- 400 (the sum of two uniforms: no robust
// z reaches 2.4), and five spikes at robust z 5 to 12.
std::vector<uint32_t> LargeGroupTotals() {
  std::mt19937 rng(13);
  std::uniform_int_distribution<uint32_t> half(0, 400);
  std::vector<uint32_t> totals;
  for (int i = 0; i < 50000; ++i) totals.push_back(1600 + half(rng) + half(rng));
  for (uint32_t spike : {2900, 3200, 3500, 3800, 4100})
    totals.insert(totals.begin() + spike, spike);
  return totals;
}

// `totals` as traces "t<i>" into `shards` shards, round robin, in input order or reversed.
TriageRanking RankTotals(const std::vector<uint32_t>& totals, TriageGroupStats stats, size_t shards,
                         bool reversed) {
  TriageOptions options;
  options.top = 10;
  options.group_stats = stats;
  TriageQueue queue(options, shards);
  for (size_t k = 0; k < totals.size(); ++k) {
    size_t i = reversed ? totals.size() - 1 - k : k;
    std::string id = "t" + std::to_string(i);
    TraceFacts facts;
    facts.trace_id = id;
    facts.model = "m";
    facts.intent = "i";
    facts.has_tokens = true;
    facts.total_tokens = totals[i];
    EXPECT_TRUE(queue.shard(i % shards).Add(facts, 0, i, ContentHash(id)).ok());
  }
  Result<TriageRanking> ranking = queue.Finish();
  EXPECT_TRUE(ranking.ok()) << ranking.status().ToString();
  return ranking.ok() ? std::move(*ranking) : TriageRanking();
}

TEST(TriageQueueTest, StreamingGroupStatsOnALargeGroupFindTheSameSpikesWithinTheBound) {
  const std::vector<uint32_t> totals = LargeGroupTotals();
  TriageRanking exact = RankTotals(totals, TriageGroupStats::kExact, 1, false);
  TriageRanking streamed = RankTotals(totals, TriageGroupStats::kStreaming, 1, false);
  ASSERT_EQ(exact.queued.size(), 5u);
  ASSERT_EQ(streamed.queued.size(), 5u);
  std::vector<double> sorted(totals.begin(), totals.end());
  std::sort(sorted.begin(), sorted.end());
  // (n / 1,024) ceil(log2(n / 1,024)): QuantileSketch's documented bound.
  const double n = static_cast<double>(totals.size());
  const double bound = n / 1024 * std::ceil(std::log2(n / 1024));
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(streamed.queued[i].trace_id, exact.queued[i].trace_id);
    ASSERT_EQ(streamed.queued[i].reasons.size(), 1u);
    const std::string& detail = streamed.queued[i].reasons[0].detail;
    EXPECT_THAT(detail, ::testing::HasSubstr("against an estimated median of "));
    // The median as the detail writes it, rounded to a count: within the bound, plus one rank
    // for the rounding of a median halfway between two counts.
    std::string figure = detail.substr(detail.find("median of ") + 10);
    figure = figure.substr(0, figure.find(' '));
    figure.erase(std::remove(figure.begin(), figure.end(), ','), figure.end());
    EXPECT_LE(QuantileRankError(sorted, std::stod(figure), 0.5), bound + 1) << detail;
  }
  EXPECT_EQ(streamed.fired, exact.fired);
}

TEST(TriageQueueTest, StreamingGroupStatsDoNotDependOnShardsOrTheOrderOfAdding) {
  const std::vector<uint32_t> totals = LargeGroupTotals();
  std::vector<std::string> reference =
      Head(RankTotals(totals, TriageGroupStats::kStreaming, 1, false), 10);
  ASSERT_EQ(reference.size(), 5u);
  // Shards in input order are merged; records added out of order are sorted first.
  EXPECT_EQ(Head(RankTotals(totals, TriageGroupStats::kStreaming, 3, false), 10), reference);
  EXPECT_EQ(Head(RankTotals(totals, TriageGroupStats::kStreaming, 1, true), 10), reference);
  EXPECT_EQ(Head(RankTotals(totals, TriageGroupStats::kStreaming, 4, true), 10), reference);
}

}  // namespace
}  // namespace arbiter
