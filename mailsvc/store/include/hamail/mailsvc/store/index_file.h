// A mailbox's metadata files on disk: the flock on `hamail-uids.lock` that guards them
// (short critical sections), the `hamail-uids` index (a corrupt one is kept aside as
// `hamail-uids.corrupt` and a new UIDVALIDITY begins) and `dovecot-keywords`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/keyword_list.h"
#include "hamail/mailsvc/store/mailbox_index.h"

namespace hamail::mailsvc::store {

inline constexpr const char* kIndexFile = "hamail-uids";
inline constexpr const char* kIndexLockFile = "hamail-uids.lock";
inline constexpr const char* kCorruptIndexFile = "hamail-uids.corrupt";
inline constexpr const char* kKeywordsFile = "dovecot-keywords";
inline constexpr std::size_t kMaxIndexFileBytes = 64u << 20;

// An exclusive flock on <maildir>/hamail-uids.lock (or another lock file there, e.g.
// MailboxTree's), released when destroyed.
class IndexLock {
 public:
  static Result<IndexLock> acquire(const std::string& maildir, const char* lock_file = kIndexLockFile);
  IndexLock(IndexLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  IndexLock& operator=(IndexLock&&) = delete;
  IndexLock(const IndexLock&) = delete;
  ~IndexLock();

 private:
  explicit IndexLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct LoadedIndex {
  MailboxIndex index;
  bool must_save = false;              // absent or reset: write it even if sync changes nothing
  std::optional<std::string> reset;    // why a corrupt file was replaced (for the log)
};

// Call with the IndexLock held. Absent: a fresh index with UIDVALIDITY = now. Corrupt
// (parse error): renamed to hamail-uids.corrupt, a fresh index with UIDVALIDITY =
// max(now, the old file's UIDVALIDITY + 1), so no old UID is ever taken for another
// message; `reset` says why. A header of a version this code does not know (a newer
// node's) is an error, not a reset. Unreadable: an error. A `hamail-modseq` mark from
// another boot (the index may have lost unsynced writes): HIGHESTMODSEQ raised to it
// and must_save set.
Result<LoadedIndex> load_index_file(const std::string& maildir, std::uint32_t now);

// What a save must survive: `durable` (fsync of the file and the directory) for new
// UIDs, UIDVALIDITY, expunges, a fresh or reset index; `flags_only` (tmp + rename, no
// fsync) when only flags and modseqs changed: a power cut may bring the older file back.
enum class IndexDurability { durable, flags_only };

// Atomic (tmp + rename), mode 0600. First keeps `hamail-modseq` (modseq_mark.h) above
// the index's HIGHESTMODSEQ and from this boot: a durable write when it is not.
Status save_index_file(const std::string& maildir, const MailboxIndex& index,
                       IndexDurability durability = IndexDurability::durable);

// Absent: no keywords. A bad file is an error naming file:line (its letters would be
// misread otherwise). Call with the IndexLock held.
Result<KeywordList> load_keywords_file(const std::string& maildir);
Status save_keywords_file(const std::string& maildir, const KeywordList& keywords);

}  // namespace hamail::mailsvc::store
