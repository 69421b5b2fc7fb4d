// Versioned, immutable label sets on disk (SPEC "Label set"): ROOT/NAME/vN/labels.jsonl and
// manifest.json. A version is claimed by renaming a complete folder into place, so it is
// created whole or not at all and is never rewritten; relabeling makes the next version.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/base/status.h"
#include "runner/labels/label.h"

namespace arbiter {

inline constexpr char kDefaultLabelRoot[] = "datasets/labels";

// "NAME@vN" (or "NAME@N").
struct LabelSetRef {
  std::string name;
  int version = 0;
  std::string ToString() const { return name + "@v" + std::to_string(version); }
};
Result<LabelSetRef> ParseLabelSetRef(std::string_view text);

struct LabelSet {
  LabelSetRef ref;
  std::filesystem::path dir;
  nlohmann::ordered_json manifest;
  std::string sha256;  // of labels.jsonl
  std::vector<Label> labels;
};

struct ImportOptions {
  // Start from no labels instead of the latest version's (default: the new version holds the
  // parent's labels, with imported rows replacing the same trace, failure mode and reviewer).
  bool fresh = false;
  std::string created_at;                              // ISO 8601 UTC; default: now
  std::string source;                                  // the imported file, for the manifest
  std::map<std::string, std::string> rubric_versions;  // failure mode -> rubric version
};

class LabelStore {
 public:
  explicit LabelStore(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::vector<std::string> Names() const;
  std::vector<int> Versions(const std::string& name) const;  // ascending

  // Writes NAME/v(latest + 1) and returns its reference. With `unchanged` given, an import
  // whose labels are those of the latest version already writes nothing, sets *unchanged and
  // returns the latest version's reference.
  Result<LabelSetRef> Import(const std::string& name, const std::vector<Label>& labels,
                             const ImportOptions& options, bool* unchanged = nullptr);

  // Writes exactly version `ref`; fails when it exists (versions are never rewritten).
  Status Create(const LabelSetRef& ref, const std::vector<Label>& labels, std::optional<int> parent,
                const ImportOptions& options);

  // Loads a version after verifying it.
  Result<LabelSet> Load(const LabelSetRef& ref) const;

  // Checks that a version is as it was written: labels.jsonl's sha256 matches the manifest, and
  // when not, which line (and byte range) changed; every figure in the manifest matches.
  Status Verify(const LabelSetRef& ref) const;

 private:
  std::filesystem::path Dir(const LabelSetRef& ref) const {
    return root_ / ref.name / ("v" + std::to_string(ref.version));
  }
  std::filesystem::path root_;
};

// manifest.json for `labels` (their canonical labels.jsonl text is `jsonl`).
nlohmann::ordered_json LabelManifest(const LabelSetRef& ref, const std::vector<Label>& labels,
                                     const std::string& jsonl, std::optional<int> parent,
                                     const ImportOptions& options);

// The current UTC time as 2026-11-20T10:00:00Z.
std::string UtcNow();

}  // namespace arbiter
