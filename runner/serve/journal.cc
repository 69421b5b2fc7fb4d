#include "runner/serve/journal.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

namespace arbiter {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[4] = {'A', 'J', '0', '1'};
constexpr size_t kHeader = 20;
constexpr uint32_t kMaxPayload = 1u << 30;

void Put32(char* at, uint32_t value) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<char>(value >> (8 * i));
}
void Put64(char* at, uint64_t value) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<char>(value >> (8 * i));
}
uint32_t Get32(const char* at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= uint32_t(uint8_t(at[i])) << (8 * i);
  return value;
}
uint64_t Get64(const char* at) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t(uint8_t(at[i])) << (8 * i);
  return value;
}

uint32_t Crc(uint64_t recv_ms, std::string_view payload) {
  char time[8];
  Put64(time, recv_ms);
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(time), 8);
  crc =
      crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(crc);
}

std::string Encode(uint64_t recv_ms, std::string_view payload) {
  std::string record(kHeader, '\0');
  std::memcpy(record.data(), kMagic, 4);
  Put32(record.data() + 4, static_cast<uint32_t>(payload.size()));
  Put32(record.data() + 8, Crc(recv_ms, payload));
  Put64(record.data() + 12, recv_ms);
  record.append(payload);
  return record;
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(path.string() + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

void SyncFolder(const fs::path& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string SegmentName(uint64_t number, char kind) {
  char name[32];
  std::snprintf(name, sizeof name, "%012llu-%c.log", static_cast<unsigned long long>(number), kind);
  return name;
}

// A segment's number and kind ('a' carry, 'b' appended), or false for another file.
bool ParseName(const std::string& name, uint64_t& number, char& kind) {
  if (name.size() != 18 || name.substr(12, 1) != "-" || name.substr(14) != ".log") return false;
  number = 0;
  for (size_t i = 0; i < 12; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    number = number * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  kind = name[13];
  return kind == 'a' || kind == 'b';
}

}  // namespace

Status Journal::ScanSegment(const fs::path& path, const RecordVisitor& visit,
                            uint64_t* torn_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path.string() + ": cannot open");
  std::error_code ec;
  uint64_t file_size = fs::file_size(path, ec);
  uint64_t at = 0;
  char header[kHeader];
  std::string payload;
  while (in.read(header, kHeader)) {
    if (std::memcmp(header, kMagic, 4) != 0) break;
    uint32_t length = Get32(header + 4);
    if (length > kMaxPayload || (!ec && at + kHeader + length > file_size)) break;
    payload.resize(length);
    if (!in.read(payload.data(), length)) break;
    uint64_t recv_ms = Get64(header + 12);
    if (Crc(recv_ms, payload) != Get32(header + 8)) break;
    at += kHeader + length;
    ARBITER_RETURN_IF_ERROR(visit(recv_ms, payload));
  }
  if (torn_bytes != nullptr && !ec && file_size > at) *torn_bytes += file_size - at;
  return Status::OK();
}

Status Journal::ReadSegment(const fs::path& path, std::vector<JournalRecord>& out,
                            uint64_t* torn_bytes) {
  return ScanSegment(
      path,
      [&out](uint64_t recv_ms, std::string_view payload) {
        out.push_back(JournalRecord{recv_ms, std::string(payload)});
        return Status::OK();
      },
      torn_bytes);
}

Journal::Journal(fs::path folder, uint64_t number, uint64_t bytes_before)
    : folder_(std::move(folder)), number_(number), bytes_before_(bytes_before) {}

Result<std::unique_ptr<Journal>> Journal::Open(const fs::path& folder,
                                               std::vector<JournalRecord>& replayed,
                                               uint64_t& torn_bytes) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Status::IoError(folder.string() + ": " + ec.message());
  std::map<std::pair<uint64_t, char>, fs::path> segments;
  uint64_t last_carry = 0, highest = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    std::string name = entry.path().filename().string();
    uint64_t number = 0;
    char kind = 0;
    if (!ParseName(name, number, kind)) {
      // A carry that never got renamed into place: its segments are all still there.
      if (name.ends_with(".log.tmp")) fs::remove(entry.path(), ec);
      continue;
    }
    segments[{number, kind}] = entry.path();
    highest = std::max(highest, number);
    if (kind == 'a') last_carry = std::max(last_carry, number);
  }
  if (ec) return Status::IoError(folder.string() + ": " + ec.message());
  uint64_t kept_bytes = 0;
  for (const auto& [key, path] : segments) {
    if (key.first < last_carry) {  // replaced by the carry; removing it was interrupted
      fs::remove(path, ec);
      continue;
    }
    ARBITER_RETURN_IF_ERROR(ReadSegment(path, replayed, &torn_bytes));
    kept_bytes += fs::file_size(path, ec);
  }
  std::unique_ptr<Journal> journal(new Journal(folder, highest + 1, kept_bytes));
  ARBITER_RETURN_IF_ERROR(journal->OpenSegment());
  journal->flusher_ = std::thread([j = journal.get()] { j->FlushLoop(); });
  return journal;
}

Journal::~Journal() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  appended_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  if (fd_ >= 0) {
    ::fdatasync(fd_);
    ::close(fd_);
  }
}

Status Journal::OpenSegment() {
  fs::path path = folder_ / SegmentName(number_, 'b');
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::IoError(path.string() + ": " + std::strerror(errno));
  offset_ = 0;
  SyncFolder(folder_);
  return Status::OK();
}

Result<uint64_t> Journal::Append(uint64_t recv_ms, std::string_view payload) {
  if (payload.size() > kMaxPayload) return Status::InvalidArgument("journal record too large");
  std::string record = Encode(recv_ms, payload);
  std::lock_guard<std::mutex> lock(mu_);
  Status written = WriteAll(fd_, record, folder_ / SegmentName(number_, 'b'));
  if (!written.ok()) {
    // Disk full halfway: cut the partial record so the segment stays readable to its end.
    if (::ftruncate(fd_, static_cast<off_t>(offset_)) == 0) {
      ::lseek(fd_, static_cast<off_t>(offset_), SEEK_SET);
    }
    return written;
  }
  offset_ += record.size();
  uint64_t sequence = ++appended_;
  appended_cv_.notify_one();
  return sequence;
}

Status Journal::WaitDurable(uint64_t sequence) {
  std::unique_lock<std::mutex> lock(mu_);
  durable_cv_.wait(lock, [&] { return durable_ >= sequence || !sync_error_.ok() || stop_; });
  if (durable_ >= sequence) return Status::OK();
  return sync_error_.ok() ? Status::IoError("journal closed") : sync_error_;
}

void Journal::FlushLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    appended_cv_.wait(lock, [&] { return stop_ || appended_ > durable_; });
    if (stop_) return;
    uint64_t target = appended_;
    // A duplicate descriptor: Rotate() may close fd_ while this one syncs.
    int fd = ::dup(fd_);
    lock.unlock();
    int rc = fd < 0 ? -1 : ::fdatasync(fd);
    int error = errno;
    if (fd >= 0) ::close(fd);
    lock.lock();
    if (rc != 0) {
      sync_error_ = Status::IoError(std::string("journal fdatasync: ") + std::strerror(error));
    } else {
      durable_ = std::max(durable_, target);
    }
    durable_cv_.notify_all();
  }
}

Result<uint64_t> Journal::Rotate() {
  std::lock_guard<std::mutex> lock(mu_);
  if (::fdatasync(fd_) != 0) return Status::IoError(std::string("journal: ") + strerror(errno));
  ::close(fd_);
  fd_ = -1;
  durable_ = appended_;
  durable_cv_.notify_all();
  bytes_before_ += offset_;
  ++number_;
  ARBITER_RETURN_IF_ERROR(OpenSegment());
  return number_;
}

std::vector<fs::path> Journal::FilesBefore(uint64_t number) const {
  std::vector<fs::path> before;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder_, ec)) {
    uint64_t n = 0;
    char kind = 0;
    if (ParseName(entry.path().filename().string(), n, kind) && n < number) {
      before.push_back(entry.path());
    }
  }
  std::sort(before.begin(), before.end());  // zero-padded numbers: name order is replay order
  return before;
}

Journal::CarryWriter::CarryWriter(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {
  temp_ = path_;
  temp_ += ".tmp";
}

Journal::CarryWriter::~CarryWriter() {
  if (fd_ < 0) return;
  ::close(fd_);
  std::error_code ec;
  fs::remove(temp_, ec);
}

Status Journal::CarryWriter::Add(uint64_t recv_ms, std::string_view payload) {
  std::string encoded = Encode(recv_ms, payload);
  ARBITER_RETURN_IF_ERROR(WriteAll(fd_, encoded, temp_));
  size_ += encoded.size();
  return Status::OK();
}

Result<std::unique_ptr<Journal::CarryWriter>> Journal::BeginCarry(uint64_t number) {
  fs::path path = folder_ / SegmentName(number, 'a');
  fs::path temp = path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(temp.string() + ": " + std::strerror(errno));
  return std::unique_ptr<CarryWriter>(new CarryWriter(std::move(path), fd));
}

Status Journal::CommitCarry(CarryWriter& carry, const std::vector<fs::path>& replaced) {
  if (::fsync(carry.fd_) != 0) return Status::IoError(carry.temp_.string() + ": fsync failed");
  ::close(carry.fd_);
  carry.fd_ = -1;
  std::error_code ec;
  fs::rename(carry.temp_, carry.path_, ec);
  if (ec) {
    fs::remove(carry.temp_, ec);
    return Status::IoError(carry.path_.string() + ": " + ec.message());
  }
  SyncFolder(folder_);
  uint64_t removed = 0;
  for (const fs::path& old : replaced) {
    uint64_t old_size = fs::file_size(old, ec);
    if (fs::remove(old, ec)) removed += old_size;
  }
  SyncFolder(folder_);
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t size = carry.size_;
  bytes_before_ = bytes_before_ + size > removed ? bytes_before_ + size - removed : 0;
  return Status::OK();
}

Status Journal::Carry(uint64_t number, const std::vector<fs::path>& replaced,
                      const std::vector<JournalRecord>& records) {
  ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<CarryWriter> carry, BeginCarry(number));
  for (const JournalRecord& record : records) {
    ARBITER_RETURN_IF_ERROR(carry->Add(record.recv_ms, record.payload));
  }
  return CommitCarry(*carry, replaced);
}

uint64_t Journal::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_before_ + offset_;
}

}  // namespace arbiter
