#include "runner/serve/journal.h"

#include <fstream>

#include <gtest/gtest.h>

namespace arbiter {
namespace {

namespace fs = std::filesystem;

fs::path Fresh(const std::string& name) {
  fs::path folder = fs::path(::testing::TempDir()) / ("journal_test_" + name);
  fs::remove_all(folder);
  return folder;
}

std::vector<JournalRecord> Reopen(const fs::path& folder, uint64_t* torn = nullptr) {
  std::vector<JournalRecord> records;
  uint64_t torn_bytes = 0;
  auto journal = Journal::Open(folder, records, torn_bytes);
  EXPECT_TRUE(journal.ok());
  if (torn != nullptr) *torn = torn_bytes;
  return records;
}

// Opens a journal in a fresh folder (nothing to replay); null on failure.
std::unique_ptr<Journal> OpenEmpty(const fs::path& folder) {
  std::vector<JournalRecord> replayed;
  uint64_t torn = 0;
  auto journal = Journal::Open(folder, replayed, torn);
  if (!journal.ok() || !replayed.empty()) return nullptr;
  return std::move(*journal);
}

std::vector<std::string> Payloads(const std::vector<JournalRecord>& records) {
  std::vector<std::string> out;
  for (const JournalRecord& record : records) out.push_back(record.payload);
  return out;
}

TEST(JournalTest, DurableRecordsComeBackInOrderWithTheirTimes) {
  fs::path folder = Fresh("order");
  {
    std::vector<JournalRecord> replayed;
    uint64_t torn = 0;
    auto journal = Journal::Open(folder, replayed, torn);
    ASSERT_TRUE(journal.ok());
    EXPECT_TRUE(replayed.empty());
    for (int i = 0; i < 3; ++i) {
      Result<uint64_t> sequence = (*journal)->Append(1000 + i, "payload " + std::to_string(i));
      ASSERT_TRUE(sequence.ok());
      EXPECT_TRUE((*journal)->WaitDurable(*sequence).ok());
    }
    EXPECT_GT((*journal)->bytes(), 0u);
  }
  std::vector<JournalRecord> back = Reopen(folder);
  EXPECT_EQ(Payloads(back), (std::vector<std::string>{"payload 0", "payload 1", "payload 2"}));
  EXPECT_EQ(back[2].recv_ms, 1002u);
  // Opening again (a second restart) still owes the same records.
  EXPECT_EQ(Payloads(Reopen(folder)).size(), 3u);
}

TEST(JournalTest, ATornTailIsDropped) {
  fs::path folder = Fresh("torn");
  {
    std::vector<JournalRecord> replayed;
    uint64_t torn = 0;
    auto journal = Journal::Open(folder, replayed, torn);
    ASSERT_TRUE(journal.ok());
    ASSERT_TRUE((*journal)->WaitDurable(*(*journal)->Append(1, "whole")).ok());
  }
  // A crash halfway through the next record: its header and part of its payload.
  fs::path segment;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (fs::file_size(entry.path()) > 0) segment = entry.path();
  }
  ASSERT_FALSE(segment.empty());
  {
    std::ofstream out(segment, std::ios::binary | std::ios::app);
    out << std::string("AJ01\x40\0\0\0garbage", 15);
  }
  uint64_t torn = 0;
  EXPECT_EQ(Payloads(Reopen(folder, &torn)), (std::vector<std::string>{"whole"}));
  EXPECT_EQ(torn, 15u);
}

TEST(JournalTest, ACarryReplacesEverythingBeforeItsCut) {
  fs::path folder = Fresh("carry");
  {
    std::unique_ptr<Journal> opened = OpenEmpty(folder);
    ASSERT_NE(opened, nullptr);
    Journal& journal = *opened;
    ASSERT_TRUE(journal.WaitDurable(*journal.Append(1, "closed window")).ok());
    ASSERT_TRUE(journal.WaitDurable(*journal.Append(2, "still owed")).ok());
    Result<uint64_t> cut = journal.Rotate();
    ASSERT_TRUE(cut.ok());
    ASSERT_TRUE(journal.WaitDurable(*journal.Append(3, "after the cut")).ok());
    std::vector<fs::path> before = journal.FilesBefore(*cut);
    EXPECT_EQ(before.size(), 1u);
    ASSERT_TRUE(journal.Carry(*cut, before, {JournalRecord{2, "still owed"}}).ok());
  }
  EXPECT_EQ(Payloads(Reopen(folder)), (std::vector<std::string>{"still owed", "after the cut"}));
}

TEST(JournalTest, AnInterruptedCarryReplaysNothingTwice) {
  fs::path folder = Fresh("interrupted");
  fs::path kept;
  {
    std::unique_ptr<Journal> opened = OpenEmpty(folder);
    ASSERT_NE(opened, nullptr);
    Journal& journal = *opened;
    ASSERT_TRUE(journal.WaitDurable(*journal.Append(1, "old")).ok());
    Result<uint64_t> cut = journal.Rotate();
    ASSERT_TRUE(cut.ok());
    std::vector<fs::path> before = journal.FilesBefore(*cut);
    // The carry is in place but the crash came before the old segment was removed.
    ASSERT_TRUE(journal.Carry(*cut, {}, {JournalRecord{1, "carried"}}).ok());
    kept = before.front();
  }
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_EQ(Payloads(Reopen(folder)), (std::vector<std::string>{"carried"}));
  EXPECT_FALSE(fs::exists(kept));  // removed on open
}

TEST(JournalTest, ACarryNotCommittedLeavesTheJournalAsItWas) {
  fs::path folder = Fresh("uncommitted");
  {
    std::unique_ptr<Journal> opened = OpenEmpty(folder);
    ASSERT_NE(opened, nullptr);
    Journal& journal = *opened;
    ASSERT_TRUE(journal.WaitDurable(*journal.Append(1, "owed")).ok());
    Result<uint64_t> cut = journal.Rotate();
    ASSERT_TRUE(cut.ok());
    // The window's outputs failed after the carry was written: it is dropped, not put in place.
    auto carry = journal.BeginCarry(*cut);
    ASSERT_TRUE(carry.ok());
    ASSERT_TRUE((*carry)->Add(1, "a part of it").ok());
  }
  for (const auto& entry : fs::directory_iterator(folder)) {
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
  }
  EXPECT_EQ(Payloads(Reopen(folder)), (std::vector<std::string>{"owed"}));
}

TEST(JournalTest, ScanningStopsAtTheVisitorsError) {
  fs::path folder = Fresh("scan");
  fs::path segment;
  {
    std::unique_ptr<Journal> opened = OpenEmpty(folder);
    ASSERT_NE(opened, nullptr);
    Journal& journal = *opened;
    for (uint64_t i = 1; i <= 3; ++i) {
      ASSERT_TRUE(journal.WaitDurable(*journal.Append(i, "r" + std::to_string(i))).ok());
    }
    Result<uint64_t> cut = journal.Rotate();
    ASSERT_TRUE(cut.ok());
    segment = journal.FilesBefore(*cut).front();
  }
  std::vector<uint64_t> seen;
  Status scanned = Journal::ScanSegment(segment, [&](uint64_t recv_ms, std::string_view payload) {
    seen.push_back(recv_ms);
    EXPECT_EQ(payload, "r" + std::to_string(recv_ms));
    return recv_ms == 2 ? Status::IoError("disk full") : Status::OK();
  });
  EXPECT_EQ(scanned.message(), "disk full");
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2}));
}

}  // namespace
}  // namespace arbiter
