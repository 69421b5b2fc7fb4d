#include "runner/annotate/draft.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/base/atomic_file.h"
#include "runner/base/json_error.h"
#include "runner/base/path_checks.h"

namespace arbiter {
namespace fs = std::filesystem;
namespace {

constexpr char kJournal[] = "journal.jsonl";
constexpr char kLock[] = "lock";

Status Errno(const fs::path& path, const std::string& what) {
  return Status::IoError(path.string() + ": " + what + ": " + std::strerror(errno));
}

Status WriteAll(int fd, const std::string& text, const fs::path& path) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(path, "write");
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status SyncFolder(const fs::path& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno(dir, "open");
  int rc = fsync(fd);
  close(fd);
  return rc == 0 ? Status::OK() : Errno(dir, "fsync");
}

std::string JournalLine(const Label& label, bool withdrawn) {
  nlohmann::ordered_json row;
  row["trace_id"] = label.trace_id;
  row["failure_mode"] = label.failure_mode;
  if (withdrawn) {
    row["label"] = nullptr;
  } else if (label.graded()) {
    row["label"] = nlohmann::ordered_json::parse(label.label);
  } else {
    row["label"] = label.label;
  }
  row["reviewer"] = label.reviewer;
  row["labeled_at"] = label.labeled_at;
  row["note"] = label.note;
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// One journal line into `label`; false with `error` set when it is not one.
bool ParseJournalLine(const std::string& line, Label& label, bool& withdrawn, std::string& error) {
  nlohmann::json row;
  try {
    row = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    error = NotValidJsonLine(e);
    return false;
  }
  if (!row.is_object()) {
    error = "not a JSON object";
    return false;
  }
  for (const char* key : {"trace_id", "failure_mode", "reviewer"}) {
    if (!row.contains(key) || !row[key].is_string()) {
      error = std::string("no string ") + key;
      return false;
    }
  }
  label.trace_id = row["trace_id"];
  label.failure_mode = row["failure_mode"];
  label.reviewer = row["reviewer"];
  label.labeled_at = row.value("labeled_at", "");
  label.note =
      row.contains("note") && row["note"].is_string() ? row["note"].get<std::string>() : "";
  const auto& value = row["label"];
  withdrawn = value.is_null();
  if (value.is_string()) {
    label.label = value.get<std::string>();
  } else if (value.is_number()) {
    label.label = value.dump();
  } else if (!withdrawn) {
    error = "label must be \"pass\", \"fail\", a number or null";
    return false;
  }
  return true;
}

}  // namespace

Draft::~Draft() {
  if (journal_fd_ >= 0) close(journal_fd_);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

Result<std::unique_ptr<Draft>> Draft::Open(const fs::path& root, const std::string& name,
                                           Access access) {
  std::unique_ptr<Draft> draft(new Draft());
  draft->dir_ = root / name / "draft";
  draft->journal_ = draft->dir_ / kJournal;
  const bool read_only = access == Access::kReadOnly;
  if (read_only && !IsDirectory(draft->dir_)) return draft;  // nothing drafted, nothing made
  std::error_code ec;
  fs::create_directories(draft->dir_, ec);
  if (ec) return Status::IoError(draft->dir_.string() + ": " + ec.message());

  const fs::path lock = draft->dir_ / kLock;
  draft->lock_fd_ = read_only ? open(lock.c_str(), O_RDONLY | O_CLOEXEC)
                              : open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (draft->lock_fd_ < 0 && !(read_only && errno == ENOENT)) return Errno(lock, "open");
  // Read only, a shared lock fails only while a server holds the exclusive one, which is what
  // serving would run into; it is released when the check ends.
  if (draft->lock_fd_ >= 0 &&
      flock(draft->lock_fd_, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return Errno(lock, "flock");
    std::ifstream in(lock);
    std::string pid;
    std::getline(in, pid);
    return Status::InvalidArgument("label set '" + name + "' is open in another process (pid " +
                                   (pid.empty() ? std::string("unknown") : pid) + ", lock file " +
                                   lock.string() + "); stop it, or commit from its page");
  }
  if (!read_only) {
    std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(draft->lock_fd_, 0) != 0) return Errno(lock, "truncate");
    if (pwrite(draft->lock_fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
      return Errno(lock, "write");
    }
  }

  // Replay, cutting off a torn last line (never acknowledged: the fsync comes after the write).
  std::string text;
  {
    std::ifstream in(draft->journal_, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  size_t complete = text.rfind('\n');
  complete = complete == std::string::npos ? 0 : complete + 1;
  if (!read_only) {
    draft->journal_fd_ =
        open(draft->journal_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (draft->journal_fd_ < 0) return Errno(draft->journal_, "open");
    if (complete < text.size() &&
        (ftruncate(draft->journal_fd_, static_cast<off_t>(complete)) != 0 ||
         fsync(draft->journal_fd_) != 0)) {
      return Errno(draft->journal_, "cut off the unacknowledged last line");
    }
    ARBITER_RETURN_IF_ERROR(SyncFolder(draft->dir_));
  }
  text.resize(complete);  // read only, the torn line is left in the file and only skipped here
  size_t start = 0, line_number = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.empty()) continue;
    Label label;
    bool withdrawn = false;
    std::string error;
    if (!ParseJournalLine(line, label, withdrawn, error)) {
      return Status::Corruption(draft->journal_.string() + ":" + std::to_string(line_number) +
                                ": " + error);
    }
    label.line = line_number;
    LabelKey key{label.trace_id, label.failure_mode, label.reviewer};
    draft->entries_[key] = withdrawn ? std::nullopt : std::optional<Label>(std::move(label));
    ++draft->lines_;
  }
  return draft;
}

Status Draft::Append(const Label& label, bool withdrawn) {
  if (journal_fd_ < 0) return Status::Internal("the draft was opened read only");
  ARBITER_RETURN_IF_ERROR(WriteAll(journal_fd_, JournalLine(label, withdrawn), journal_));
  if (fdatasync(journal_fd_) != 0) return Errno(journal_, "fsync");
  if (lines_ == 0) ARBITER_RETURN_IF_ERROR(SyncFolder(dir_));  // the file's name, once
  ++lines_;
  LabelKey key{label.trace_id, label.failure_mode, label.reviewer};
  entries_[key] = withdrawn ? std::nullopt : std::optional<Label>(label);
  return Status::OK();
}

Status Draft::Clear() {
  if (journal_fd_ < 0) return Status::Internal("the draft was opened read only");
  if (ftruncate(journal_fd_, 0) != 0 || fsync(journal_fd_) != 0) {
    return Errno(journal_, "empty the journal");
  }
  entries_.clear();
  lines_ = 0;
  return Status::OK();
}

std::vector<Label> DraftLabels(const std::vector<Label>& base, const Draft& draft) {
  std::map<LabelKey, Label> merged;
  for (const Label& label : base) {
    merged[{label.trace_id, label.failure_mode, label.reviewer}] = label;
  }
  for (const auto& [key, label] : draft.entries()) {
    if (label) {
      merged[key] = *label;
    } else {
      merged.erase(key);
    }
  }
  std::vector<Label> out;
  out.reserve(merged.size());
  for (auto& [key, label] : merged) out.push_back(std::move(label));
  return out;
}

Result<CommitOutcome> CommitDraft(LabelStore& store, const std::string& name, Draft& draft) {
  CommitOutcome outcome;
  std::vector<Label> base;
  std::vector<int> versions = store.Versions(name);
  if (!versions.empty()) {
    outcome.parent = versions.back();
    ARBITER_ASSIGN_OR_RETURN(LabelSet latest, store.Load({name, versions.back()}));
    base = std::move(latest.labels);
  }
  std::vector<Label> labels = DraftLabels(base, draft);
  outcome.labels = labels.size();
  if (LabelsJsonl(labels) == LabelsJsonl(base)) {
    ARBITER_RETURN_IF_ERROR(draft.Clear());
    return outcome;
  }
  if (labels.empty()) {
    // A version with no label cannot be read back (label files must hold one); keep the draft.
    return Status::InvalidArgument("the draft of '" + name + "' withdraws every label of " +
                                   LabelSetRef{name, *outcome.parent}.ToString() +
                                   "; a version holds at least one label");
  }
  ImportOptions options;
  options.fresh = true;  // `labels` already holds the parent's, less the withdrawn ones
  options.source = draft.journal().string();
  ARBITER_ASSIGN_OR_RETURN(LabelSetRef ref, store.Import(name, labels, options));
  ARBITER_ASSIGN_OR_RETURN(LabelSet made, store.Load(ref));
  outcome.created = ref;
  outcome.manifest = made.manifest;
  // A crash before this line leaves the draft in place; committing it again finds it identical
  // to the version just made and makes nothing.
  ARBITER_RETURN_IF_ERROR(draft.Clear());
  return outcome;
}

}  // namespace arbiter
