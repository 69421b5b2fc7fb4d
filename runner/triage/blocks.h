// Append-only storage for triage's per-trace records: fixed blocks, so growing never copies and
// memory stays proportional to the count (a vector's doubling can hold twice what it needs, and
// briefly three times while it moves).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arbiter {

template <typename T>
class BlockVector {
 public:
  T& emplace_back() {
    if (size_ % kBlock == 0) blocks_.emplace_back().reserve(kBlock);
    ++size_;
    return blocks_.back().emplace_back();
  }
  size_t size() const { return size_; }
  T& operator[](size_t i) { return blocks_[i / kBlock][i % kBlock]; }
  const T& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }
  // Moves `other`'s full blocks to the end of this one without copying them (a worker's blocks
  // would otherwise exist twice while merged); `other` keeps its last block when partial.
  // Returns how many elements moved. REQUIRES: size() is a multiple of the block size.
  size_t TakeFullBlocks(BlockVector& other) {
    const size_t full = other.size_ / kBlock;
    for (size_t b = 0; b < full; ++b) blocks_.push_back(std::move(other.blocks_[b]));
    other.blocks_.erase(other.blocks_.begin(),
                        other.blocks_.begin() + static_cast<std::ptrdiff_t>(full));
    other.size_ -= full * kBlock;
    size_ += full * kBlock;
    return full * kBlock;
  }
  // Moves every element to `visit`, in order, freeing each block once it is done.
  template <typename Visit>
  void Drain(Visit&& visit) {
    for (std::vector<T>& block : blocks_) {
      for (T& element : block) visit(element);
      std::vector<T>().swap(block);
    }
    blocks_.clear();
    size_ = 0;
  }

 private:
  static constexpr size_t kBlock = 1 << 16;
  std::vector<std::vector<T>> blocks_;
  size_t size_ = 0;
};

// Short strings (trace ids) back to back in 1 MiB chunks, found by a 32-bit offset: no
// std::string per entry (32 bytes before its text) and no doubling.
class StringArena {
 public:
  static constexpr size_t kMaxEntry = 65535;
  // The new entry's offset. REQUIRES: text.size() <= kMaxEntry, full() false.
  uint32_t Append(std::string_view text) {
    if (chunks_.empty() || chunks_.back().size() + text.size() > kChunk) {
      chunks_.emplace_back().reserve(kChunk);
    }
    std::string& chunk = chunks_.back();
    uint32_t offset = static_cast<uint32_t>((chunks_.size() - 1) * kChunk + chunk.size());
    chunk.append(text);
    return offset;
  }
  std::string_view Get(uint32_t offset, size_t length) const {
    return std::string_view(chunks_[offset / kChunk]).substr(offset % kChunk, length);
  }
  // True when another chunk would no longer be addressable by 32 bits (4 GiB of ids).
  bool full() const { return chunks_.size() + 1 >= (uint64_t{1} << 32) / kChunk; }

 private:
  static constexpr size_t kChunk = size_t{1} << 20;
  std::vector<std::string> chunks_;
};

}  // namespace arbiter
