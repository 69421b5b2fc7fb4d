// The batched read that `run` and the record scan share (batched_read.h over batch_queue.h):
// ordered and unordered delivery, the bound on batches in flight, a stop request, errors from
// the reader, a worker or the consumer, each returned without leaving a thread blocked.
#include "runner/source/batched_read.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace arbiter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A batch for the queue alone: a number, cleared for reuse.
struct Number {
  int value = -1;
  void Clear() { value = -1; }
};
using NumberQueue = BatchQueue<Number>;

TEST(BatchQueueTest, OrderedDeliveryIsInPushOrderWhateverTheFinishOrder) {
  NumberQueue queue(4, NumberQueue::Delivery::kOrdered);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(queue.Push(Number{i}));
  queue.Close();
  std::vector<NumberQueue::Work> works;
  while (auto work = queue.Pop()) works.push_back(std::move(*work));
  ASSERT_EQ(works.size(), 4u);
  for (auto it = works.rbegin(); it != works.rend(); ++it) queue.Finish(std::move(*it));
  std::vector<int> consumed;
  while (auto batch = queue.Next()) {
    consumed.push_back(batch->value);
    queue.Release(std::move(*batch));
  }
  EXPECT_THAT(consumed, ElementsAre(0, 1, 2, 3));
  EXPECT_EQ(queue.TakeFree().value, -1);  // released batches come back cleared
}

TEST(BatchQueueTest, PushWaitsWhileMaxInFlightAreUnreleased) {
  for (auto delivery : {NumberQueue::Delivery::kUnordered, NumberQueue::Delivery::kOrdered}) {
    NumberQueue queue(2, delivery);
    ASSERT_TRUE(queue.Push(Number{0}));
    ASSERT_TRUE(queue.Push(Number{1}));
    std::atomic<bool> pushed = false;
    std::thread reader([&] {
      EXPECT_TRUE(queue.Push(Number{2}));
      pushed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(pushed);  // two in flight: no room
    std::optional<NumberQueue::Work> work = queue.Pop();
    ASSERT_TRUE(work.has_value());
    EXPECT_EQ(work->sequence, 0u);
    queue.Finish(std::move(*work));
    if (delivery == NumberQueue::Delivery::kOrdered) {
      // Finished is not released: the consumer still has to take it.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      EXPECT_FALSE(pushed);
      std::optional<Number> next = queue.Next();
      ASSERT_TRUE(next.has_value());
      queue.Release(std::move(*next));
    }
    reader.join();
    EXPECT_TRUE(pushed);
  }
}

TEST(BatchQueueTest, AbortWakesTheReaderTheWorkersAndTheConsumer) {
  NumberQueue queue(1, NumberQueue::Delivery::kOrdered);
  ASSERT_TRUE(queue.Push(Number{0}));
  std::thread reader([&] { EXPECT_FALSE(queue.Push(Number{1})); });       // no room: waits
  std::thread consumer([&] { EXPECT_FALSE(queue.Next().has_value()); });  // nothing finished
  std::optional<NumberQueue::Work> work = queue.Pop();
  ASSERT_TRUE(work.has_value());
  std::thread worker([&] { EXPECT_FALSE(queue.Pop().has_value()); });  // nothing queued
  queue.Abort();
  reader.join();
  consumer.join();
  worker.join();
  queue.Finish(std::move(*work));
  EXPECT_FALSE(queue.Next().has_value());
}

// Input files in a fresh folder, removed at the end.
class BatchedReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "batched-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // An input of `count` traces whose trace ids are `prefix` and their number.
  std::string Write(const std::string& name, const std::string& prefix, int count) {
    std::string text;
    for (int i = 0; i < count; ++i)
      text += "{\"trace_id\": \"" + prefix + std::to_string(i) + "\"}\n";
    return WriteText(name, text);
  }
  std::string WriteText(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

// What a worker made of a batch: the texts of its records, after a random pause so that
// workers finish out of order.
struct Texts {
  std::vector<std::string> texts;
};

BatchedReadCallbacks<Texts> CollectTexts() {
  BatchedReadCallbacks<Texts> callbacks;
  callbacks.work = [](size_t, RecordBatch& batch, Texts& out) {
    thread_local std::mt19937 random{std::random_device{}()};
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 500));
    for (const RecordBatch::Record& record : batch.records) {
      out.texts.emplace_back(record.error.empty() ? std::string(batch.json(record))
                                                  : "error: " + record.error);
    }
    return Status::OK();
  };
  return callbacks;
}

TEST_F(BatchedReadTest, OrderedDeliveryIsInInputOrderForAnyWorkerCount) {
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 100), Write("empty.jsonl", "e", 0),
                                     Write("b.jsonl", "b", 33)};
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i)
    expected.push_back("{\"trace_id\": \"a" + std::to_string(i) + "\"}");
  for (int i = 0; i < 33; ++i) expected.push_back("{\"trace_id\": \"b" + std::to_string(i) + "\"}");
  for (size_t workers : {1, 3, 8}) {
    BatchedReadOptions options;
    options.workers = workers;
    options.max_in_flight = 2 * workers;
    options.batching.max_records = 7;
    std::vector<std::string> consumed;
    std::vector<size_t> ended;
    BatchedReadCallbacks<Texts> callbacks = CollectTexts();
    callbacks.consume = [&](RecordBatch& batch, Texts& out) {
      consumed.insert(consumed.end(), out.texts.begin(), out.texts.end());
      if (batch.input_end) {
        ended.push_back(batch.input);
        EXPECT_EQ(batch.input_hash.size(), 64u);
      }
      return Status::OK();
    };
    ASSERT_TRUE(ReadBatched(inputs, options, callbacks).ok());
    EXPECT_EQ(consumed, expected) << workers << " workers";
    EXPECT_THAT(ended, ElementsAre(0, 1, 2)) << workers << " workers";
  }
}

TEST_F(BatchedReadTest, UnorderedDeliveryWorksOnEveryRecordOnce) {
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 500), Write("b.jsonl", "b", 20)};
  BatchedReadOptions options;
  options.workers = 4;
  options.batching.max_records = 16;
  std::mutex mutex;
  std::multiset<std::string> seen;
  std::set<std::pair<size_t, uint64_t>> ordinals;
  BatchedReadCallbacks<Texts> callbacks;
  callbacks.work = [&](size_t worker, RecordBatch& batch, Texts&) {
    EXPECT_LT(worker, 4u);
    std::lock_guard lock(mutex);
    for (const RecordBatch::Record& record : batch.records) {
      seen.emplace(batch.json(record));
      ordinals.emplace(batch.input, record.ordinal);
    }
    return Status::OK();
  };
  ASSERT_TRUE(ReadBatched(inputs, options, callbacks).ok());
  EXPECT_EQ(seen.size(), 520u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 520u);
  EXPECT_EQ(ordinals.size(), 520u);
  EXPECT_EQ(ordinals.rbegin()->second, 19u);  // b's last record, ordinals count from 0
}

TEST_F(BatchedReadTest, RecordsReadAheadOfTheConsumerAreBounded) {
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 2000)};
  BatchedReadOptions options;
  options.workers = 3;
  options.max_in_flight = 5;
  options.batching.max_records = 10;
  std::atomic<uint64_t> read = 0;
  uint64_t consumed = 0, most_ahead = 0;
  BatchedReadCallbacks<Texts> callbacks = CollectTexts();
  callbacks.read = [&](size_t, const TraceRecord&) {
    ++read;
    return Status::OK();
  };
  callbacks.consume = [&](RecordBatch& batch, Texts&) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // a slow consumer
    most_ahead = std::max(most_ahead, read.load() - consumed);
    consumed += batch.records.size();
    return Status::OK();
  };
  ASSERT_TRUE(ReadBatched(inputs, options, callbacks).ok());
  EXPECT_EQ(consumed, 2000u);
  // The batches in flight and the one the reader fills.
  EXPECT_LE(most_ahead, (options.max_in_flight + 1) * options.batching.max_records);
}

TEST_F(BatchedReadTest, StopEndsTheReadBetweenBatches) {
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 1000), Write("b.jsonl", "b", 10)};
  std::atomic<bool> stop = false;
  BatchedReadOptions options;
  options.workers = 2;
  options.batching.max_records = 10;
  options.batching.stop = &stop;
  uint64_t consumed = 0;
  bool ended = false;
  BatchedReadCallbacks<Texts> callbacks = CollectTexts();
  callbacks.consume = [&](RecordBatch& batch, Texts& out) {
    EXPECT_EQ(out.texts.size() % 10, 0u);  // whole batches only
    consumed += out.texts.size();
    ended = ended || batch.input_end;
    stop = true;
    return Status::OK();
  };
  ASSERT_TRUE(ReadBatched(inputs, options, callbacks).ok());
  EXPECT_GE(consumed, 10u);
  EXPECT_LT(consumed, 1000u);
  EXPECT_FALSE(ended);  // neither input was read to its end
}

TEST_F(BatchedReadTest, LimitEndsTheReadAfterThatManyRecordsOfAllInputs) {
  std::string long_line = "{\"trace_id\": \"" + std::string(200, 'x') + "\"}";
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 3),
                                     WriteText("b.jsonl", long_line + "\n{\"trace_id\": \"b1\"}\n"),
                                     Write("c.jsonl", "c", 100)};
  for (uint64_t limit : {1, 4, 6}) {
    BatchedReadOptions options;
    options.workers = 2;
    options.batching.max_records = 2;
    options.batching.limit = limit;
    options.batching.source.max_line_bytes = 100;  // b's first line is unreadable
    std::vector<std::string> consumed;
    BatchedReadCallbacks<Texts> callbacks = CollectTexts();
    callbacks.consume = [&](RecordBatch&, Texts& out) {
      consumed.insert(consumed.end(), out.texts.begin(), out.texts.end());
      return Status::OK();
    };
    ASSERT_TRUE(ReadBatched(inputs, options, callbacks).ok());
    ASSERT_EQ(consumed.size(), limit);  // a broken record counts too
    EXPECT_EQ(consumed[0], "{\"trace_id\": \"a0\"}");
    if (limit >= 4) {
      EXPECT_THAT(consumed[3], ::testing::StartsWith("error: "));
    }
    if (limit == 6) {
      EXPECT_EQ(consumed[5], "{\"trace_id\": \"c0\"}");
    }
  }
}

TEST_F(BatchedReadTest, WorkerErrorIsReturnedAndStopsTheRead) {
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 5000)};
  for (bool ordered : {false, true}) {
    BatchedReadOptions options;
    options.workers = 3;
    options.batching.max_records = 10;
    std::atomic<int> batches = 0;
    BatchedReadCallbacks<Texts> callbacks;
    callbacks.work = [&](size_t, RecordBatch&, Texts&) {
      return ++batches == 5 ? Status::Corruption("worker failed") : Status::OK();
    };
    if (ordered) callbacks.consume = [](RecordBatch&, Texts&) { return Status::OK(); };
    Status status = ReadBatched(inputs, options, callbacks);
    EXPECT_EQ(status.message(), "worker failed") << (ordered ? "ordered" : "unordered");
    EXPECT_LT(batches.load(), 500);
  }
}

TEST_F(BatchedReadTest, ConsumerErrorIsReturnedAndStopsTheRead) {
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 5000)};
  BatchedReadOptions options;
  options.workers = 2;
  options.batching.max_records = 10;
  int consumed = 0;
  BatchedReadCallbacks<Texts> callbacks = CollectTexts();
  callbacks.consume = [&](RecordBatch&, Texts&) {
    return ++consumed == 2 ? Status::Corruption("consumer failed") : Status::OK();
  };
  EXPECT_EQ(ReadBatched(inputs, options, callbacks).message(), "consumer failed");
  EXPECT_EQ(consumed, 2);
}

TEST_F(BatchedReadTest, ReaderErrorComesAfterTheBatchesReadBeforeIt) {
  std::vector<std::string> inputs = {Write("a.jsonl", "a", 25), (dir_ / "missing.jsonl").string()};
  BatchedReadOptions options;
  options.workers = 2;
  options.batching.max_records = 10;
  size_t consumed = 0;
  BatchedReadCallbacks<Texts> callbacks = CollectTexts();
  callbacks.consume = [&](RecordBatch&, Texts& out) {
    consumed += out.texts.size();
    return Status::OK();
  };
  Status status = ReadBatched(inputs, options, callbacks);
  EXPECT_THAT(status.message(), HasSubstr("missing.jsonl: cannot open"));
  EXPECT_EQ(consumed, 25u);
}

TEST_F(BatchedReadTest, UnreadableRecordsTravelWithTheirErrorAndKeepOrdinalsDense) {
  std::string long_line = "{\"trace_id\": \"" + std::string(200, 'x') + "\"}";
  std::vector<std::string> inputs = {
      WriteText("a.jsonl", "{\"trace_id\": \"a\"}\n" + long_line + "\n{\"trace_id\": \"b\"}\n")};
  BatchedReadOptions options;
  options.batching.source.max_line_bytes = 100;
  std::vector<std::string> lines;
  BatchedReadCallbacks<Texts> callbacks;
  callbacks.work = [&](size_t, RecordBatch& batch, Texts&) {
    for (const RecordBatch::Record& record : batch.records) {
      lines.push_back(std::to_string(record.line) + "#" + std::to_string(record.ordinal) + " " +
                      (record.error.empty() ? std::string(batch.json(record)) : "unreadable"));
    }
    return Status::OK();
  };
  ASSERT_TRUE(ReadBatched(inputs, options, callbacks).ok());
  EXPECT_THAT(lines, ElementsAre("1#0 {\"trace_id\": \"a\"}", "2#1 unreadable",
                                 "3#1 {\"trace_id\": \"b\"}"));
}

}  // namespace
}  // namespace arbiter
