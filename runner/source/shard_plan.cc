#include "runner/source/shard_plan.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include "runner/base/input_hash.h"
#include "runner/base/sha256.h"

namespace arbiter {
namespace {

constexpr size_t kProbeBytes = 64 << 10;

Result<std::string> Probe(const std::string& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": cannot open: " + strerror(errno));
  Sha256 sha;
  std::string chunk(kProbeBytes, '\0');
  for (uint64_t offset : {uint64_t{0}, size > kProbeBytes ? size - kProbeBytes : uint64_t{0}}) {
    ssize_t n = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n < 0) {
      std::string message = path + ": read error: " + strerror(errno);
      ::close(fd);
      return Status::IoError(message);
    }
    sha.Update(std::string_view(chunk.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return sha.Hex();
}

// The k-th whole input (k counted among whole inputs only) goes to shard k mod N.
uint32_t WholeOwner(const std::vector<ShardInput>& inputs, size_t input, uint32_t count) {
  size_t whole_before = 0;
  for (size_t i = 0; i < input; ++i) whole_before += !inputs[i].split;
  return static_cast<uint32_t>(whole_before % count);
}

ByteRange RangeOf(const ShardInput& input, uint32_t shard, uint32_t count) {
  // 128-bit products: bytes * shard overflows 64 bits for files over 16 EiB / N, never, but
  // the arithmetic costs nothing.
  auto cut = [&](uint32_t k) {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(input.bytes) * k / count);
  };
  return ByteRange{cut(shard), cut(shard + 1)};
}

}  // namespace

Result<std::vector<ShardInput>> DescribeShardInputs(const std::vector<std::string>& paths,
                                                    TraceFormat format) {
  std::vector<ShardInput> inputs;
  for (const std::string& path : paths) {
    if (IsStreamInput(path)) {
      return Status::InvalidArgument(
          path + ": --shard needs trace files it can seek in, not standard input or a pipe");
    }
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) return Status::IoError(path + ": cannot read its size: " + ec.message());
    ShardInput& input = inputs.emplace_back();
    input.path = path;
    input.bytes = size;
    ARBITER_ASSIGN_OR_RETURN(bool gzip, IsGzipFile(path));
    TraceFormat detected = format;
    if (!gzip && detected == TraceFormat::kAuto) {
      ARBITER_ASSIGN_OR_RETURN(detected, DetectTraceFormat(path));
    }
    input.split = !gzip && detected != TraceFormat::kOtlp;
    ARBITER_ASSIGN_OR_RETURN(input.probe, Probe(path, size));
  }
  return inputs;
}

std::string InputSetIdentity(const std::vector<ShardInput>& inputs) {
  Sha256 sha;
  for (const ShardInput& input : inputs) {
    // Length-prefixed fields, so no two descriptions hash alike by shifting a separator.
    std::string line = std::to_string(input.path.size()) + ":" + input.path + " " +
                       std::to_string(input.bytes) + " " + (input.split ? "split" : "whole") + " " +
                       input.probe + "\n";
    sha.Update(line);
  }
  return sha.Hex();
}

std::string InputSetDifference(const std::vector<ShardInput>& a, const std::vector<ShardInput>& b) {
  if (a.size() != b.size()) {
    return std::to_string(a.size()) + " inputs against " + std::to_string(b.size());
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const ShardInput& x = a[i];
    const ShardInput& y = b[i];
    std::string at = "input " + std::to_string(i + 1) + " ";
    if (x.path != y.path) return at + x.path + " against " + y.path;
    if (x.bytes != y.bytes) {
      return at + x.path + " of " + std::to_string(x.bytes) + " bytes against " +
             std::to_string(y.bytes);
    }
    if (x.split != y.split)
      return at + x.path + " split in one, read whole in the other (--format)";
    if (x.probe != y.probe) return at + x.path + " with other content (same size)";
  }
  return "";
}

std::vector<ShardPart> PlanAllShards(const std::vector<ShardInput>& inputs, uint32_t count) {
  std::vector<ShardPart> parts;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].split) {
      parts.push_back(ShardPart{i, WholeOwner(inputs, i, count), std::nullopt});
      continue;
    }
    for (uint32_t shard = 0; shard < count; ++shard) {
      parts.push_back(ShardPart{i, shard, RangeOf(inputs[i], shard, count)});
    }
  }
  return parts;
}

std::vector<ShardPart> PlanShard(const std::vector<ShardInput>& inputs, ShardSpec spec) {
  std::vector<ShardPart> mine;
  for (const ShardPart& part : PlanAllShards(inputs, spec.count)) {
    if (part.shard == spec.index) mine.push_back(part);
  }
  return mine;
}

uint32_t HashingShard(const std::vector<ShardInput>& inputs, size_t input, uint32_t count) {
  return inputs[input].split ? static_cast<uint32_t>(input % count)
                             : WholeOwner(inputs, input, count);
}

Result<std::string> FileSha256(const std::string& path) {
  return FileInputHash(InputHashKind::kSha256, path);
}

}  // namespace arbiter
