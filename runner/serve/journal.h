// The write-ahead journal of `arbiter serve`: every accepted request's spans are appended here and
// made durable (fdatasync, one for every request that arrived meanwhile: group commit) before the
// receiver answers 2xx, so a kill -9 loses nothing acknowledged.
//
// On disk: a folder of segments, `NNNNNNNNNNNN-b.log` (appended to) and `NNNNNNNNNNNN-a.log` (a
// carry: what the segments before number N still hold for traces not yet written out; it replaces
// every file numbered below N). Each record is a 20-byte header, "AJ01", the payload length (u32
// LE), a CRC-32 of the rest, the receive time in Unix ms (u64 LE), then the payload (a serialized
// ExportTraceServiceRequest). A torn or corrupt tail (a crash mid-append: never acknowledged) ends
// a segment's replay.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "runner/base/status.h"

namespace arbiter {

struct JournalRecord {
  uint64_t recv_ms = 0;
  std::string payload;
};

class Journal {
 public:
  // Opens (creating) the folder, appends to `replayed` every record still owed, in order, and
  // starts a new segment. `torn_bytes` receives the bytes of torn tails dropped.
  static Result<std::unique_ptr<Journal>> Open(const std::filesystem::path& folder,
                                               std::vector<JournalRecord>& replayed,
                                               uint64_t& torn_bytes);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one record; its sequence number for WaitDurable. An IoError (disk full) leaves the
  // segment as it was before the call.
  Result<uint64_t> Append(uint64_t recv_ms, std::string_view payload);
  // Blocks until record `sequence` is on disk; the fdatasync error otherwise.
  Status WaitDurable(uint64_t sequence);

  // Starts a new segment (everything appended so far is made durable first); returns its
  // number, the cut a later Carry() names.
  Result<uint64_t> Rotate();
  // The files numbered below `number`, in replay order.
  std::vector<std::filesystem::path> FilesBefore(uint64_t number) const;
  // A carry being written, one record at a time, to a temporary file (so a cut holds one record
  // in memory, not minutes of traffic). Destroyed uncommitted, it removes the file.
  class CarryWriter {
   public:
    ~CarryWriter();
    CarryWriter(const CarryWriter&) = delete;
    CarryWriter& operator=(const CarryWriter&) = delete;
    Status Add(uint64_t recv_ms, std::string_view payload);

   private:
    friend class Journal;
    CarryWriter(std::filesystem::path path, int fd);
    std::filesystem::path path_, temp_;
    int fd_ = -1;
    uint64_t size_ = 0;
  };
  // Starts carry `number`; CommitCarry() puts it in place.
  Result<std::unique_ptr<CarryWriter>> BeginCarry(uint64_t number);
  // Makes the carry durable and renames it into place (atomically), then removes `replaced`
  // (FilesBefore(number)). Once the carry is in place, replay ignores every file numbered below
  // it, so a crash between the two steps replays nothing twice.
  Status CommitCarry(CarryWriter& carry, const std::vector<std::filesystem::path>& replaced);
  // BeginCarry, Add each of `records`, CommitCarry.
  Status Carry(uint64_t number, const std::vector<std::filesystem::path>& replaced,
               const std::vector<JournalRecord>& records);

  // Calls `visit` with each record of one segment file in order, reading one record at a time
  // (a torn tail ends it); stops at the first error `visit` returns.
  using RecordVisitor = std::function<Status(uint64_t recv_ms, std::string_view payload)>;
  static Status ScanSegment(const std::filesystem::path& path, const RecordVisitor& visit,
                            uint64_t* torn_bytes = nullptr);
  // The records of one segment file (a torn tail ends it).
  static Status ReadSegment(const std::filesystem::path& path, std::vector<JournalRecord>& out,
                            uint64_t* torn_bytes = nullptr);

  uint64_t bytes() const;  // on disk, all segments

 private:
  Journal(std::filesystem::path folder, uint64_t number, uint64_t bytes_before);
  Status OpenSegment();
  void FlushLoop();

  std::filesystem::path folder_;
  uint64_t number_;  // the current segment's
  mutable std::mutex mu_;
  std::condition_variable appended_cv_, durable_cv_;
  int fd_ = -1;
  uint64_t offset_ = 0;        // the current segment's size
  uint64_t bytes_before_ = 0;  // the other segments' size
  uint64_t appended_ = 0, durable_ = 0;
  Status sync_error_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace arbiter
