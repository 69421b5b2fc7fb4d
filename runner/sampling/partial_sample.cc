#include "runner/sampling/partial_sample.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "runner/base/path_checks.h"
#include "runner/base/sha256.h"

namespace arbiter {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The focus rules still collecting, given what they had collected: the sampler's active ones.
std::vector<size_t> ActiveRules(const SamplePolicy& policy,
                                const std::vector<uint64_t>& collected) {
  std::vector<size_t> active;
  for (size_t i = 0; i < policy.focus.size(); ++i) {
    if (collected[i] < policy.focus[i].collect) active.push_back(i);
  }
  return active;
}

OrderedJson HeaderJson(const PartialSampleHeader& header, const SamplePolicy& policy) {
  OrderedJson doc;
  doc["arbiter_partial_sample"] = kPartialSampleFormat;
  doc["policy"] = header.policy;
  doc["seed"] = header.seed;
  doc["shard"] = header.shard
                     ? OrderedJson{{"index", header.shard->index}, {"count", header.shard->count}}
                     : OrderedJson(nullptr);
  doc["input_set"] = InputSetIdentity(header.inputs);
  doc["inputs"] = OrderedJson::array();
  for (const ShardInput& input : header.inputs) {
    doc["inputs"].push_back({{"path", input.path},
                             {"bytes", input.bytes},
                             {"split", input.split},
                             {"probe", input.probe}});
  }
  doc["traces"] = header.traces;
  doc["skipped"] = header.skipped;
  doc["focus"] = OrderedJson::array();
  std::vector<size_t> active = ActiveRules(policy, header.focus_collected);
  for (size_t i = 0, a = 0; i < policy.focus.size(); ++i) {
    bool on = a < active.size() && active[a] == i;
    doc["focus"].push_back({{"name", policy.focus[i].name},
                            {"collected", header.focus_collected[i]},
                            {"population", on ? header.focus_populations[a++] : 0}});
  }
  doc["strata"] = OrderedJson::array();
  for (const StratumCounts& counts : header.strata) {
    doc["strata"].push_back(
        {{"stratum", counts.key}, {"failures", counts.failures}, {"others", counts.others}});
  }
  doc["candidates"] = header.candidates;
  return doc;
}

// The header of `file` (its first line), checked against `policy` (whose fingerprint is
// `fingerprint`) before anything that depends on it.
Result<PartialSampleHeader> ParseHeader(const std::string& line, const std::string& file,
                                        const SamplePolicy& policy,
                                        const std::string& fingerprint) {
  const std::string not_partial =
      file + ": not a partial sample (those of `arbiter sample --shard I/N` or --partial)";
  nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::InvalidArgument(not_partial);
  if (!doc.contains("arbiter_partial_sample")) {
    if (doc.contains("_sample")) {
      return Status::InvalidArgument(file +
                                     ": a whole sample, not a partial one; merge the partial "
                                     "samples of `arbiter sample --shard I/N` or --partial");
    }
    return Status::InvalidArgument(not_partial);
  }
  PartialSampleHeader header;
  try {
    if (doc.at("arbiter_partial_sample").get<int>() != kPartialSampleFormat) {
      return Status::InvalidArgument(file + ": written by another version of arbiter (format " +
                                     doc.at("arbiter_partial_sample").dump() + ")");
    }
    header.policy = doc.at("policy").get<std::string>();
    if (header.policy != fingerprint) {
      return Status::InvalidArgument(file +
                                     ": drawn with another policy (or scores files) than the "
                                     "--policy given");
    }
    header.seed = doc.at("seed").get<uint64_t>();
    if (!doc.at("shard").is_null()) {
      header.shard = ShardSpec{doc.at("shard").at("index").get<uint32_t>(),
                               doc.at("shard").at("count").get<uint32_t>()};
      if (header.shard->count == 0 || header.shard->index >= header.shard->count) {
        return Status::Corruption(file + ": shard " + header.shard->Text() + " is not a shard");
      }
    }
    for (const nlohmann::json& entry : doc.at("inputs")) {
      header.inputs.push_back(
          ShardInput{entry.at("path").get<std::string>(), entry.at("bytes").get<uint64_t>(),
                     entry.at("split").get<bool>(), entry.at("probe").get<std::string>()});
    }
    header.traces = doc.at("traces").get<uint64_t>();
    header.skipped = doc.at("skipped").get<uint64_t>();
    const nlohmann::json& focus = doc.at("focus");
    if (focus.size() != policy.focus.size()) {
      return Status::InvalidArgument(file + ": drawn with " + std::to_string(focus.size()) +
                                     " focus rules, the policy has " +
                                     std::to_string(policy.focus.size()));
    }
    for (const nlohmann::json& rule : focus) {
      header.focus_collected.push_back(rule.at("collected").get<uint64_t>());
    }
    for (size_t i : ActiveRules(policy, header.focus_collected)) {
      header.focus_populations.push_back(focus[i].at("population").get<uint64_t>());
    }
    for (const nlohmann::json& entry : doc.at("strata")) {
      header.strata.push_back({entry.at("stratum").get<std::string>(),
                               entry.at("failures").get<uint64_t>(),
                               entry.at("others").get<uint64_t>()});
    }
    header.candidates = doc.at("candidates").get<uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(file + ": not a partial sample: " + e.what());
  }
  return header;
}

struct PartFile {
  std::string path;
  PartialSampleHeader header;
};

std::string CollectedText(const std::vector<uint64_t>& collected) {
  std::string text;
  for (uint64_t n : collected) text += (text.empty() ? "" : ", ") + std::to_string(n);
  return "[" + text + "]";
}

// The first reason `part` cannot merge with `first` (both drawn with the --policy given), in
// words; "" when it can.
std::string Difference(const PartFile& first, const PartFile& part) {
  const PartialSampleHeader& a = first.header;
  const PartialSampleHeader& b = part.header;
  if (a.seed != b.seed) {
    return "--seed " + std::to_string(a.seed) + " against " + std::to_string(b.seed);
  }
  if (a.focus_collected != b.focus_collected) {
    return "drawn at different focus states (collected " + CollectedText(a.focus_collected) +
           " against " + CollectedText(b.focus_collected) + ")";
  }
  if (a.shard.has_value() != b.shard.has_value()) {
    return "one is a shard (--shard), the other a part cut otherwise (--partial)";
  }
  if (!a.shard) return "";
  if (a.shard->count != b.shard->count) {
    return "shard " + a.shard->Text() + " and shard " + b.shard->Text() +
           " are of different shard counts";
  }
  if (std::string why = InputSetDifference(a.inputs, b.inputs); !why.empty()) {
    return "different input sets: " + why;
  }
  return "";
}

// Checks that `parts` can merge into one sample: the same draw, and for shards each of the N
// once; for other parts, no input read by two of them.
Status CheckSet(const std::vector<PartFile>& parts) {
  const PartFile& first = parts.front();
  for (const PartFile& part : parts) {
    if (std::string why = Difference(first, part); !why.empty()) {
      return Status::InvalidArgument("cannot merge " + first.path + " and " + part.path + ": " +
                                     why);
    }
  }
  if (first.header.shard) {
    std::vector<const PartFile*> by_index(first.header.shard->count, nullptr);
    for (const PartFile& part : parts) {
      const PartFile*& slot = by_index[part.header.shard->index];
      if (slot) {
        return Status::InvalidArgument("overlapping shards: " + slot->path + " and " + part.path +
                                       " are both shard " + part.header.shard->Text());
      }
      slot = &part;
    }
    std::string missing;
    for (size_t i = 0; i < by_index.size(); ++i) {
      if (!by_index[i]) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
    }
    if (!missing.empty()) {
      return Status::InvalidArgument(
          "incomplete set: shard" +
          std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing + " of " +
          std::to_string(by_index.size()) + " missing (" + std::to_string(parts.size()) +
          " given)");
    }
    return Status::OK();
  }
  // Parts cut otherwise (by trace id, by instance): an input file in two of them would count
  // its traces twice. Inputs are the same file when their sizes and probes match.
  std::map<std::pair<uint64_t, std::string>, const PartFile*> readers;
  for (const PartFile& part : parts) {
    for (const ShardInput& input : part.header.inputs) {
      if (input.probe.empty()) continue;  // standard input or a pipe: nothing to compare
      auto [it, fresh] = readers.try_emplace({input.bytes, input.probe}, &part);
      if (!fresh) {
        return Status::InvalidArgument("overlapping parts: " + it->second->path + " and " +
                                       part.path + " both read " + input.path);
      }
    }
  }
  return Status::OK();
}

Result<PartFile> ReadHeader(const std::string& path, const SamplePolicy& policy,
                            const std::string& fingerprint, std::ifstream& in) {
  in.open(path, std::ios::binary);
  if (!in) {
    if (!PathExists(path)) {
      return Status::InvalidArgument(path + ": no such partial sample");
    }
    return Status::IoError(path + ": cannot open");
  }
  std::string line;
  if (!std::getline(in, line)) {
    return Status::InvalidArgument(path + ": empty, not a partial sample");
  }
  ARBITER_ASSIGN_OR_RETURN(PartialSampleHeader header,
                           ParseHeader(line, path, policy, fingerprint));
  return PartFile{path, std::move(header)};
}

// Offers the candidates of `part` (the lines after its header, in `in`) to `sampler`.
Status OfferCandidates(const PartFile& part, std::ifstream& in, StratifiedSampler& sampler) {
  simdjson::dom::parser parser;
  std::string line;
  uint64_t count = 0;
  while (std::getline(in, line)) {
    ++count;
    simdjson::dom::element root;
    if (parser.parse(line).get(root) || !root.is_object()) {
      return Status::Corruption(part.path + ":" + std::to_string(count + 1) +
                                ": a candidate that is not a JSON object");
    }
    ARBITER_RETURN_IF_ERROR(sampler.OfferCandidate(root, line)
                                .WithContext(part.path + ":" + std::to_string(count + 1) + ": "));
  }
  if (in.bad()) return Status::IoError(part.path + ": read error");
  if (count != part.header.candidates) {
    return Status::Corruption(part.path + ": " + std::to_string(count) +
                              " candidates where its header says " +
                              std::to_string(part.header.candidates) + " (cut short?)");
  }
  return Status::OK();
}

}  // namespace

Result<std::string> PolicyFingerprint(const SamplePolicy& policy) {
  Sha256 sha;
  std::string text = policy.text_sha256;
  if (text.empty()) {
    ARBITER_ASSIGN_OR_RETURN(text, FileSha256(policy.file.string()));
  }
  sha.Update("policy " + text + "\n");
  for (const auto& failure : policy.failure_scores) {
    ARBITER_ASSIGN_OR_RETURN(std::string scores, FileSha256(failure->scores));
    sha.Update("scores " + scores + "\n");
  }
  return sha.Hex();
}

Result<std::vector<ShardInput>> DescribePartialInputs(const std::vector<std::string>& paths) {
  std::vector<ShardInput> inputs;
  for (const std::string& path : paths) {
    if (IsStreamInput(path)) {
      inputs.push_back(ShardInput{path, 0, false, ""});
      continue;
    }
    ARBITER_ASSIGN_OR_RETURN(std::vector<ShardInput> one,
                             DescribeShardInputs({path}, TraceFormat::kAuto));
    inputs.push_back(std::move(one.front()));
  }
  return inputs;
}

Result<SampleSummary> SamplePartial(const std::vector<std::string>& inputs,
                                    const SamplePolicy& policy, const SampleOptions& options,
                                    PartialSampleHeader header, AtomicFile& out,
                                    std::FILE* diagnostics) {
  ARBITER_ASSIGN_OR_RETURN(header.policy, PolicyFingerprint(policy));
  header.seed = options.seed;
  header.focus_collected = options.focus_collected;
  header.focus_collected.resize(policy.focus.size(), 0);
  StratifiedSampler sampler(policy, options.seed, header.focus_collected);
  SampleSummary summary;
  ARBITER_RETURN_IF_ERROR(OfferTraces(inputs, options, sampler, diagnostics, summary));
  StratifiedSampler::Partial partial = sampler.TakePartial();
  header.traces = summary.traces;
  header.skipped = summary.skipped;
  header.strata = std::move(partial.strata);
  header.focus_populations = std::move(partial.focus_populations);
  header.candidates = partial.candidates.size();
  ARBITER_RETURN_IF_ERROR(out.Append(HeaderJson(header, policy).dump() + "\n"));
  for (std::string& candidate : partial.candidates) {
    candidate += '\n';
    ARBITER_RETURN_IF_ERROR(out.Append(candidate));
  }
  summary.sampled = header.candidates;
  return summary;
}

Result<MergedSample> MergePartialSamples(const std::vector<std::string>& files,
                                         const SamplePolicy& policy, AtomicFile* out) {
  if (files.empty()) return Status::InvalidArgument("no partial samples to merge");
  ARBITER_ASSIGN_OR_RETURN(std::string fingerprint, PolicyFingerprint(policy));
  // Every header is read and the set checked before any candidate: a wrong set fails at once.
  std::vector<PartFile> parts;
  std::vector<std::ifstream> streams(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    ARBITER_ASSIGN_OR_RETURN(PartFile part, ReadHeader(files[i], policy, fingerprint, streams[i]));
    parts.push_back(std::move(part));
  }
  ARBITER_RETURN_IF_ERROR(CheckSet(parts));

  MergedSample merged;
  merged.parts = parts.size();
  merged.seed = parts.front().header.seed;
  merged.focus_collected = parts.front().header.focus_collected;
  StratifiedSampler sampler(policy, merged.seed, merged.focus_collected, out != nullptr);
  for (size_t i = 0; i < parts.size(); ++i) {
    const PartialSampleHeader& header = parts[i].header;
    ARBITER_RETURN_IF_ERROR(sampler.AddCounts(header.strata, header.focus_populations)
                                .WithContext(parts[i].path + ": "));
    merged.summary.traces += header.traces;
    merged.summary.skipped += header.skipped;
    if (out) ARBITER_RETURN_IF_ERROR(OfferCandidates(parts[i], streams[i], sampler));
  }
  if (!out) {
    merged.summary.plan = sampler.Plan();
    return merged;
  }
  ARBITER_RETURN_IF_ERROR(WriteSample(sampler, *out, merged.summary));
  return merged;
}

}  // namespace arbiter
