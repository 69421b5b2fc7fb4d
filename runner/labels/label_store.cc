#include "runner/labels/label_store.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "runner/base/atomic_file.h"
#include "runner/base/json_error.h"
#include "runner/base/path_checks.h"
#include "runner/base/sha256.h"

namespace arbiter {
namespace fs = std::filesystem;
namespace {

constexpr char kLabelsFile[] = "labels.jsonl";
constexpr char kManifestFile[] = "manifest.json";
// Per-line hashes are for naming a changed line; the whole-file sha256 is the integrity check,
// so 12 hex digits (48 bits) per line are plenty.
constexpr size_t kLineHashChars = 12;

// A set's name is a folder name: bounded well under NAME_MAX (255 bytes), whose excess made
// std::filesystem throw (an abort) rather than return an error.
constexpr size_t kMaxSetName = 64;

Status CheckSetName(const std::string& name) {
  static const std::regex kName("[a-z0-9][a-z0-9_.-]*");
  if (name.size() <= kMaxSetName && std::regex_match(name, kName)) return Status::OK();
  std::string shown = name.size() <= kMaxSetName ? name : name.substr(0, kMaxSetName) + "...";
  return Status::InvalidArgument("label set name '" + shown + "' must match [a-z0-9][a-z0-9_.-]* " +
                                 "and have at most " + std::to_string(kMaxSetName) + " characters");
}

// The manifest fields Verify reads, with their JSON types: a hand-edited manifest may hold
// anything, and nlohmann throws (an abort) on a wrong type.
Status CheckManifestTypes(const fs::path& file, const nlohmann::ordered_json& manifest) {
  if (!manifest.is_object()) return Status::Corruption(file.string() + ": not a JSON object");
  struct Field {
    const char* key;
    nlohmann::ordered_json::value_t type;
    const char* what;
  };
  using Type = nlohmann::ordered_json::value_t;
  for (const Field& field :
       {Field{"sha256", Type::string, "a string"}, Field{"created_at", Type::string, "a string"},
        Field{"source", Type::string, "a string"}, Field{"line_sha256", Type::array, "an array"},
        Field{"rubric_versions", Type::object, "an object"}}) {
    auto it = manifest.find(field.key);
    if (it != manifest.end() && it->type() != field.type) {
      return Status::Corruption(file.string() + ": '" + field.key + "' must be " + field.what +
                                ", not " + it->type_name());
    }
  }
  return Status::OK();
}

std::string ReadWhole(const fs::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string LineHash(const std::string& line) { return Sha256Hex(line).substr(0, kLineHashChars); }

// Which line of `text` first differs from the hashes recorded at import, as a message.
std::string LocateChange(const fs::path& file, const std::string& text,
                         const nlohmann::ordered_json& recorded) {
  std::vector<std::string> lines = SplitLines(text);
  size_t offset = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i >= recorded.size()) {
      return file.string() + ": line " + std::to_string(i + 1) + " (byte " +
             std::to_string(offset) + ") was added after import";
    }
    if (!recorded[i].is_string() || LineHash(lines[i]) != recorded[i].get<std::string>()) {
      return file.string() + ": line " + std::to_string(i + 1) + " (bytes " +
             std::to_string(offset) + "-" + std::to_string(offset + lines[i].size()) +
             ") differs from the imported content";
    }
    offset += lines[i].size() + 1;
  }
  if (lines.size() < recorded.size()) {
    return file.string() + ": line " + std::to_string(lines.size() + 1) + " (byte " +
           std::to_string(offset) + ") and after were removed";
  }
  return file.string() + ": bytes changed outside any line (line endings or final newline)";
}

Result<std::vector<Label>> ParseStoredLabels(const fs::path& file) {
  LabelFileOptions options;  // stored rows are complete; nothing to default
  return ReadLabelFile(file, options);
}

// The same judgments: trace, failure mode, reviewer, label and note alike, whenever they were
// given (a CSV imported again gets a new labeled_at, and is still the same labels).
bool SameJudgments(const std::vector<Label>& a, const std::vector<Label>& b) {
  using Row = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  auto rows = [](const std::vector<Label>& labels) {
    std::set<Row> out;
    for (const Label& l : labels)
      out.emplace(l.trace_id, l.failure_mode, l.reviewer, l.label, l.note);
    return out;
  };
  return a.size() == b.size() && rows(a) == rows(b);
}

}  // namespace

Result<LabelSetRef> ParseLabelSetRef(std::string_view text) {
  size_t at = text.rfind('@');
  auto bad = [&] {
    return Status::InvalidArgument("label set '" + std::string(text) +
                                   "': expected NAME@vN, e.g. citations@v2");
  };
  if (at == std::string_view::npos || at == 0) return bad();
  std::string_view version = text.substr(at + 1);
  if (!version.empty() && version[0] == 'v') version.remove_prefix(1);
  LabelSetRef ref;
  ref.name = std::string(text.substr(0, at));
  auto [end, error] = std::from_chars(version.data(), version.data() + version.size(), ref.version);
  if (error != std::errc() || end != version.data() + version.size() || ref.version < 1) {
    return bad();
  }
  ARBITER_RETURN_IF_ERROR(CheckSetName(ref.name));
  return ref;
}

std::string UtcNow() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::vector<std::string> LabelStore::Names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_, ec)) {
    if (entry.is_directory() && !Versions(entry.path().filename().string()).empty()) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<int> LabelStore::Versions(const std::string& name) const {
  std::vector<int> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / name, ec)) {
    std::string dir = entry.path().filename().string();
    int version = 0;
    if (dir.size() < 2 || dir[0] != 'v') continue;
    auto [end, error] = std::from_chars(dir.data() + 1, dir.data() + dir.size(), version);
    if (error == std::errc() && end == dir.data() + dir.size() && version > 0) {
      versions.push_back(version);
    }
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

nlohmann::ordered_json LabelManifest(const LabelSetRef& ref, const std::vector<Label>& labels,
                                     const std::string& jsonl, std::optional<int> parent,
                                     const ImportOptions& options) {
  nlohmann::ordered_json manifest;
  manifest["name"] = ref.name;
  manifest["version"] = ref.version;
  manifest["parent"] = parent ? nlohmann::ordered_json(*parent) : nlohmann::ordered_json(nullptr);
  manifest["created_at"] = options.created_at.empty() ? UtcNow() : options.created_at;
  manifest["source"] = options.source;
  manifest["sha256"] = Sha256Hex(jsonl);
  std::set<std::string> reviewers;
  std::map<std::string, std::map<std::string, int>> counts;
  for (const Label& label : labels) {
    reviewers.insert(label.reviewer);
    auto& mode = counts[label.failure_mode];
    mode["labels"] += 1;
    mode[label.graded() ? "graded" : label.label] += 1;
  }
  manifest["reviewers"] = reviewers;
  manifest["rubric_versions"] = nlohmann::ordered_json::object();
  for (const auto& [mode, version] : options.rubric_versions) {
    manifest["rubric_versions"][mode] = version;
  }
  manifest["labels"] = labels.size();
  manifest["failure_modes"] = nlohmann::ordered_json::object();
  for (const auto& [mode, figures] : counts) {
    nlohmann::ordered_json entry;
    for (const char* key : {"labels", "pass", "fail", "graded"}) {
      auto it = figures.find(key);
      entry[key] = it == figures.end() ? 0 : it->second;
    }
    manifest["failure_modes"][mode] = entry;
  }
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const std::string& line : SplitLines(jsonl)) lines.push_back(LineHash(line));
  manifest["line_sha256"] = lines;
  return manifest;
}

Status LabelStore::Create(const LabelSetRef& ref, const std::vector<Label>& labels,
                          std::optional<int> parent, const ImportOptions& options) {
  ARBITER_RETURN_IF_ERROR(CheckSetName(ref.name));
  const fs::path dir = Dir(ref);
  if (PathExists(dir)) {
    return Status::InvalidArgument(dir.string() +
                                   " exists: a label set version is never "
                                   "rewritten; import again to make the next version");
  }
  std::string jsonl = LabelsJsonl(labels);
  nlohmann::ordered_json manifest = LabelManifest(ref, labels, jsonl, parent, options);

  // Build the version in a private folder, then rename it into place: rename(2) refuses to
  // replace a non-empty folder, so two imports racing for one version cannot both win.
  std::random_device random;
  fs::path staging = root_ / ref.name / (".staging-" + std::to_string(random()));
  std::error_code ec;
  fs::create_directories(staging, ec);
  if (ec) return Status::IoError(staging.string() + ": " + ec.message());
  Status written = WriteFileAtomic(staging / kLabelsFile, jsonl);
  if (written.ok()) written = WriteFileAtomic(staging / kManifestFile, manifest.dump(2) + "\n");
  for (const char* file : {kLabelsFile, kManifestFile}) {
    fs::permissions(staging / file,
                    fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, ec);
  }
  if (written.ok()) {
    fs::rename(staging, dir, ec);
    if (ec) {
      written = Status::InvalidArgument(dir.string() + ": cannot claim the version (" +
                                        ec.message() + "); versions are never rewritten");
    }
  }
  if (!written.ok()) fs::remove_all(staging, ec);
  return written;
}

Result<LabelSetRef> LabelStore::Import(const std::string& name, const std::vector<Label>& labels,
                                       const ImportOptions& options, bool* unchanged) {
  if (unchanged) *unchanged = false;
  ARBITER_RETURN_IF_ERROR(CheckSetName(name));
  std::vector<int> versions = Versions(name);
  std::optional<int> parent;
  if (!versions.empty()) parent = versions.back();
  std::vector<Label> merged;
  std::vector<Label> parent_labels;
  if (parent && unchanged) {
    ARBITER_ASSIGN_OR_RETURN(LabelSet previous, Load({name, *parent}));
    parent_labels = std::move(previous.labels);
  }
  if (parent && !options.fresh) {
    ARBITER_ASSIGN_OR_RETURN(LabelSet previous, Load({name, *parent}));
    std::set<std::tuple<std::string, std::string, std::string>> replaced;
    for (const Label& label : labels)
      replaced.emplace(label.trace_id, label.failure_mode, label.reviewer);
    for (Label& label : previous.labels) {
      if (!replaced.count({label.trace_id, label.failure_mode, label.reviewer})) {
        merged.push_back(std::move(label));
      }
    }
  }
  merged.insert(merged.end(), labels.begin(), labels.end());
  Status consistent = CheckLabels(merged, options.source.empty() ? name : options.source);
  if (!consistent.ok()) return consistent;
  if (unchanged && parent && SameJudgments(merged, parent_labels)) {
    *unchanged = true;
    return LabelSetRef{name, *parent};
  }
  LabelSetRef ref{name, parent ? *parent + 1 : 1};
  Status created = Create(ref, merged, parent, options);
  if (!created.ok()) return created;
  return ref;
}

Status LabelStore::Verify(const LabelSetRef& ref) const {
  ARBITER_RETURN_IF_ERROR(CheckSetName(ref.name));
  const fs::path dir = Dir(ref);
  if (!IsDirectory(dir)) return Status::NotFound(ref.ToString() + ": no folder " + dir.string());
  bool ok = false;
  std::string manifest_text = ReadWhole(dir / kManifestFile, ok);
  if (!ok) return Status::Corruption((dir / kManifestFile).string() + ": missing");
  nlohmann::ordered_json manifest;
  try {
    manifest = nlohmann::ordered_json::parse(manifest_text);
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption((dir / kManifestFile).string() +
                              ": not valid JSON: " + JsonErrorText(e));
  }
  ARBITER_RETURN_IF_ERROR(CheckManifestTypes(dir / kManifestFile, manifest));
  std::string jsonl = ReadWhole(dir / kLabelsFile, ok);
  if (!ok) return Status::Corruption((dir / kLabelsFile).string() + ": missing");
  if (!manifest.contains("sha256") || !manifest["sha256"].is_string()) {
    return Status::Corruption((dir / kManifestFile).string() + ": no sha256");
  }
  if (Sha256Hex(jsonl) != manifest["sha256"].get<std::string>()) {
    return Status::Corruption(
        "sha256 mismatch: " +
        LocateChange(dir / kLabelsFile, jsonl,
                     manifest.value("line_sha256", nlohmann::ordered_json::array())));
  }
  Result<std::vector<Label>> labels = ParseStoredLabels(dir / kLabelsFile);
  if (!labels.ok()) return Status::Corruption(labels.status().message());
  // The hash covers labels.jsonl; the figures in the manifest must describe that content.
  ImportOptions same;
  same.created_at = manifest.value("created_at", "");
  same.source = manifest.value("source", "");
  const nlohmann::ordered_json rubrics =
      manifest.value("rubric_versions", nlohmann::ordered_json::object());
  for (const auto& [mode, version] : rubrics.items()) {
    if (version.is_string()) same.rubric_versions[mode] = version.get<std::string>();
  }
  std::optional<int> parent;
  if (manifest.contains("parent") && manifest["parent"].is_number_integer()) {
    parent = manifest["parent"].get<int>();
  }
  nlohmann::ordered_json expected = LabelManifest(ref, *labels, jsonl, parent, same);
  for (const auto& [key, value] : expected.items()) {
    if (!manifest.contains(key) || manifest[key] != value) {
      return Status::Corruption((dir / kManifestFile).string() + ": '" + key +
                                "' does not match labels.jsonl or the version's folder");
    }
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string file = entry.path().filename().string();
    if (file != kLabelsFile && file != kManifestFile) {
      return Status::Corruption(entry.path().string() + ": not part of the label set");
    }
  }
  return Status::OK();
}

Result<LabelSet> LabelStore::Load(const LabelSetRef& ref) const {
  Status verified = Verify(ref);
  if (!verified.ok()) return verified;
  LabelSet set;
  set.ref = ref;
  set.dir = Dir(ref);
  bool ok = false;
  set.manifest = nlohmann::ordered_json::parse(ReadWhole(set.dir / kManifestFile, ok));
  set.sha256 = set.manifest["sha256"].get<std::string>();
  ARBITER_ASSIGN_OR_RETURN(std::vector<Label> labels, ParseStoredLabels(set.dir / kLabelsFile));
  set.labels = std::move(labels);
  return set;
}

}  // namespace arbiter
