#include "runner/triage/session_turns.h"

#include <bit>

namespace arbiter {
namespace {

constexpr size_t kReadChunk = 4096;  // turns per read: 224 KiB

}  // namespace

Result<std::unique_ptr<TurnSpill>> TurnSpill::Create() {
  ARBITER_ASSIGN_OR_RETURN(std::unique_ptr<ScratchFile> file,
                           ScratchFile::Create("arbiter-triage-turns"));
  return std::unique_ptr<TurnSpill>(new TurnSpill(std::move(file)));
}

Status TurnSpill::Append(const SessionTurn& turn) {
  ++size_;
  return file_->Write(&turn, sizeof(turn));  // read back by this process only: raw is fine
}

Status TurnSpill::ReadBack(const std::function<Status(std::vector<SessionTurn>&)>& visit) {
  ARBITER_RETURN_IF_ERROR(file_->Rewind());
  std::vector<SessionTurn> chunk;
  for (uint64_t left = size_; left > 0;) {
    chunk.resize(std::min<uint64_t>(left, kReadChunk));
    ARBITER_ASSIGN_OR_RETURN(size_t read,
                             file_->Read(chunk.data(), chunk.size() * sizeof(SessionTurn)));
    if (read != chunk.size() * sizeof(SessionTurn)) {
      return Status::IoError("scratch file: shorter than written");
    }
    left -= chunk.size();
    ARBITER_RETURN_IF_ERROR(visit(chunk));
  }
  return Status::OK();
}

Status VisitSessionBuckets(const std::vector<TurnSpill*>& spills,
                           const std::function<uint32_t(size_t, uint32_t)>& to_global,
                           size_t bucket_turns,
                           const std::function<Status(std::vector<SessionTurn>&)>& visit) {
  uint64_t total = 0;
  for (const auto& spill : spills) total += spill->size();
  size_t buckets = 1;
  while (buckets < kMaxSessionBuckets && buckets * bucket_turns < total) buckets *= 2;
  std::vector<SessionTurn> turns;
  if (buckets == 1) {
    turns.reserve(total);
    for (size_t k = 0; k < spills.size(); ++k) {
      ARBITER_RETURN_IF_ERROR(spills[k]->ReadBack([&](std::vector<SessionTurn>& chunk) {
        for (const SessionTurn& turn : chunk) {
          turns.push_back(turn);
          turns.back().index = to_global(k, turn.index);
        }
        return Status::OK();
      }));
    }
    return visit(turns);
  }
  // The top bits of the session hash pick the bucket: a session's turns all go to one.
  const int shift = 64 - std::countr_zero(buckets);
  std::vector<std::unique_ptr<TurnSpill>> split(buckets);
  for (auto& bucket : split) {
    ARBITER_ASSIGN_OR_RETURN(bucket, TurnSpill::Create());
  }
  for (size_t k = 0; k < spills.size(); ++k) {
    ARBITER_RETURN_IF_ERROR(spills[k]->ReadBack([&](std::vector<SessionTurn>& chunk) {
      for (SessionTurn& turn : chunk) {
        turn.index = to_global(k, turn.index);
        ARBITER_RETURN_IF_ERROR(split[turn.session >> shift]->Append(turn));
      }
      return Status::OK();
    }));
  }
  for (auto& bucket : split) {
    turns.clear();
    ARBITER_RETURN_IF_ERROR(bucket->ReadBack([&](std::vector<SessionTurn>& chunk) {
      turns.insert(turns.end(), chunk.begin(), chunk.end());
      return Status::OK();
    }));
    bucket.reset();  // its file goes as soon as it is read
    ARBITER_RETURN_IF_ERROR(visit(turns));
  }
  return Status::OK();
}

}  // namespace arbiter
