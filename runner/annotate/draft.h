// A label set's draft (issue 17): ROOT/NAME/draft/journal.jsonl, where `arbiter annotate`
// appends every label as it is given and flushes it to disk (fsync) before answering, and
// ROOT/NAME/draft/lock, held (flock) by the one process that may write the draft and holding
// its pid. `arbiter labels commit` turns the draft into the next immutable version.
//
// A journal line is a SPEC label row; `"label": null` withdraws the reviewer's earlier label
// on that trace and failure mode (an undo, or "not assessed"). Replaying the lines in order
// gives the draft; the last line for a (trace, failure mode, reviewer) wins.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "runner/base/status.h"
#include "runner/labels/label.h"
#include "runner/labels/label_store.h"

namespace arbiter {

using LabelKey = std::tuple<std::string, std::string, std::string>;  // trace, mode, reviewer

class Draft {
 public:
  enum class Access { kWrite, kReadOnly };
  // Takes the lock (a second process gets an InvalidArgument naming the first one's pid) and
  // replays the journal. An unterminated last line is a write that was never acknowledged (the
  // process died in it) and is cut off; any other bad line is a Corruption with file:line.
  // kReadOnly (annotate --check) creates, locks and cuts nothing: it reads what is there and
  // reports a server holding the lock; Append and Clear then fail.
  static Result<std::unique_ptr<Draft>> Open(const std::filesystem::path& root,
                                             const std::string& name,
                                             Access access = Access::kWrite);
  ~Draft();
  Draft(const Draft&) = delete;
  Draft& operator=(const Draft&) = delete;

  // Appends `label` (`withdrawn`: a null label) and fsyncs it; then it is in entries().
  Status Append(const Label& label, bool withdrawn);
  // The draft's labels: key -> label, or nullopt where the last word was a withdrawal.
  const std::map<LabelKey, std::optional<Label>>& entries() const { return entries_; }
  size_t lines() const { return lines_; }
  // Empties the journal (after a commit), atomically.
  Status Clear();
  const std::filesystem::path& journal() const { return journal_; }

 private:
  Draft() = default;
  std::filesystem::path dir_, journal_;
  int lock_fd_ = -1;
  int journal_fd_ = -1;
  size_t lines_ = 0;
  std::map<LabelKey, std::optional<Label>> entries_;
};

// The labels a commit would write: the latest version's (none when there is none) with the
// draft's laid over them (a withdrawal removes the label). Sorted as labels.jsonl is.
std::vector<Label> DraftLabels(const std::vector<Label>& base, const Draft& draft);

struct CommitOutcome {
  std::optional<LabelSetRef> created;  // nullopt: nothing changed, no version made
  std::optional<int> parent;
  size_t labels = 0;
  nlohmann::ordered_json manifest;  // of the version made
};

// Makes NAME@v(latest + 1) from the draft and empties it. When the result is identical to the
// latest version's labels (or both are empty), makes nothing and still empties the draft.
Result<CommitOutcome> CommitDraft(LabelStore& store, const std::string& name, Draft& draft);

}  // namespace arbiter
