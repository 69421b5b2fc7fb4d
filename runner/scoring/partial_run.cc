#include "runner/scoring/partial_run.h"

#include <fstream>
#include <sstream>

#include "runner/base/sha256.h"

namespace arbiter {
namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson Span(uint64_t begin, uint64_t end) { return OrderedJson::array({begin, end}); }

}  // namespace

std::string PartialRun::SuiteFingerprint() const {
  ScorecardSuite bare = suite;
  for (ScorecardEvaluator& evaluator : bare.evaluators) evaluator.usage.clear();
  return Sha256Hex(bare.Json().dump());
}

OrderedJson PartialRun::Json() const {
  OrderedJson doc;
  doc["arbiter_partial_run"] = kShardFormat;
  doc["shard"] = {{"index", shard.index}, {"count", shard.count}};
  doc["suite_fingerprint"] = SuiteFingerprint();
  doc["input_set"] = InputSetIdentity(inputs);
  doc["max_error_rate"] = max_error_rate;
  doc["input_hash"] = InputHashName(input_hash);
  doc["interrupted"] = interrupted;
  doc["suite"] = suite.Json();
  doc["inputs"] = OrderedJson::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ShardInput& input = inputs[i];
    doc["inputs"].push_back(
        {{"path", input.path},
         {"bytes", input.bytes},
         {"split", input.split},
         {"probe", input.probe},
         {"hash", input_hashes[i] ? OrderedJson(*input_hashes[i]) : OrderedJson(nullptr)}});
  }
  doc["parts"] = OrderedJson::array();
  for (const PartialPart& part : parts) {
    doc["parts"].push_back(
        {{"input", part.input},
         {"range", part.range ? Span(part.range->begin, part.range->end) : OrderedJson(nullptr)},
         {"rows", Span(part.rows_begin, part.rows_end)},
         {"rows_digest", part.rows_digest},
         {"trace_errors", Span(part.errors_begin, part.errors_end)},
         {"trace_errors_digest", part.errors_digest},
         {"state", part.state}});
  }
  return doc;
}

Result<PartialRun> PartialRun::Load(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / kShardFile;
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound(file.string() + ": no such file");
  std::stringstream text;
  text << in.rdbuf();
  PartialRun run;
  run.dir = dir;
  try {
    nlohmann::json doc = nlohmann::json::parse(text.str());
    if (doc.at("arbiter_partial_run").get<int>() != kShardFormat) {
      return Status::Corruption(file.string() + ": written by another version of arbiter (format " +
                                doc.at("arbiter_partial_run").dump() + ")");
    }
    run.shard.index = doc.at("shard").at("index").get<uint32_t>();
    run.shard.count = doc.at("shard").at("count").get<uint32_t>();
    run.max_error_rate = doc.at("max_error_rate").get<double>();
    run.interrupted = doc.at("interrupted").get<bool>();
    std::optional<InputHashKind> hash_kind =
        ParseInputHashKind(doc.at("input_hash").get<std::string>());
    if (!hash_kind) {
      return Status::Corruption(file.string() + ": unknown input_hash " +
                                doc.at("input_hash").dump());
    }
    run.input_hash = *hash_kind;
    ARBITER_ASSIGN_OR_RETURN(run.suite, ScorecardSuite::FromJson(doc.at("suite")));
    for (const nlohmann::json& entry : doc.at("inputs")) {
      ShardInput& input = run.inputs.emplace_back();
      input.path = entry.at("path").get<std::string>();
      input.bytes = entry.at("bytes").get<uint64_t>();
      input.split = entry.at("split").get<bool>();
      input.probe = entry.at("probe").get<std::string>();
      const nlohmann::json& hash = entry.at("hash");
      run.input_hashes.push_back(
          hash.is_null() ? std::nullopt : std::optional<std::string>(hash.get<std::string>()));
    }
    for (const nlohmann::json& entry : doc.at("parts")) {
      PartialPart& part = run.parts.emplace_back();
      part.input = entry.at("input").get<size_t>();
      if (!entry.at("range").is_null()) {
        part.range = ByteRange{entry.at("range").at(0).get<uint64_t>(),
                               entry.at("range").at(1).get<uint64_t>()};
      }
      part.rows_begin = entry.at("rows").at(0).get<uint64_t>();
      part.rows_end = entry.at("rows").at(1).get<uint64_t>();
      part.errors_begin = entry.at("trace_errors").at(0).get<uint64_t>();
      part.errors_end = entry.at("trace_errors").at(1).get<uint64_t>();
      part.rows_digest = entry.at("rows_digest").get<std::string>();
      part.errors_digest = entry.at("trace_errors_digest").get<std::string>();
      part.state = entry.at("state");
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(file.string() + ": not a partial run: " + e.what());
  }
  if (run.shard.count == 0 || run.shard.index >= run.shard.count) {
    return Status::Corruption(file.string() + ": shard " + run.shard.Text() + " is not a shard");
  }
  return run;
}

}  // namespace arbiter
