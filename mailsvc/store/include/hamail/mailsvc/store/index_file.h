// A mailbox's metadata files on disk: the flock on `hamail-uids.lock` that guards them
// (short critical sections), the `hamail-uids` index (a corrupt one is kept aside as
// `hamail-uids.corrupt` and a new UIDVALIDITY begins) with its flag change log
// `hamail-uids.log` (index_log.h), and `dovecot-keywords`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/index_log.h"
#include "hamail/mailsvc/store/keyword_list.h"
#include "hamail/mailsvc/store/mailbox_index.h"

namespace hamail::mailsvc::store {

inline constexpr const char* kIndexFile = "hamail-uids";
inline constexpr const char* kIndexLogFile = "hamail-uids.log";
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

// Where the change log of the index in memory ends: the next append goes there.
struct IndexLogPosition {
  IndexLogTie tie;             // the index file's text the log extends
  std::uint64_t bytes = 0;     // the log's good bytes (header included); 0 = no log file
  std::uint64_t ino = 0;       // the log file's inode when bytes > 0
  std::uint64_t lines = 0;     // its good lines (header included), for file:line errors
  bool operator==(const IndexLogPosition&) const = default;
};

struct LoadedIndex {
  MailboxIndex index;
  bool must_save = false;              // absent, reset or a log to fold in: write it even if sync changes nothing
  std::optional<std::string> reset;    // why a corrupt file was replaced (for the log)
  IndexLogPosition log;                // index = the file + this much of hamail-uids.log
  std::optional<std::string> log_ignored;  // why (part of) the log was not applied
};

// A flags-only change goes to the log while the log stays below this many bytes (half
// the index, at least 32 KiB); past it the index is rewritten (compacted) instead.
std::uint64_t index_log_bound(std::uint64_t index_bytes);

// Call with the IndexLock held. Absent: a fresh index with UIDVALIDITY = now. Corrupt
// (parse error): renamed to hamail-uids.corrupt, a fresh index with UIDVALIDITY =
// max(now, the old file's UIDVALIDITY + 1), so no old UID is ever taken for another
// message; `reset` says why. A header of a version this code does not know (a newer
// node's) is an error, not a reset. Unreadable: an error. A `hamail-modseq` mark from
// another boot (the index may have lost unsynced writes): HIGHESTMODSEQ raised to it
// and must_save set. Then `hamail-uids.log` is applied when its header names this index
// text; a torn last record is ignored. Anything else odd in the log (another index's
// log, a bad line, a record that does not fit the index) sets must_save, so the next
// save folds the log in and removes it; a log not applied as a whole also raises
// HIGHESTMODSEQ to the mark (its modseqs may have been seen).
Result<LoadedIndex> load_index_file(const std::string& maildir, std::uint32_t now);

// The records of the log from pos.bytes on (the log grew since pos: another session's
// STORE), applied to index; pos moves to the new end. false when the log is not the file
// pos knew (gone, replaced, shorter, torn, a bad record): index may be half changed,
// reload it whole.
Result<bool> apply_index_log_tail(const std::string& maildir, MailboxIndex& index, IndexLogPosition& pos);

// Appends record (a flags-only change index already holds) to hamail-uids.log at pos,
// without fsync, creating the log when pos.bytes == 0; first keeps `hamail-modseq` above
// the record's modseq (as save_index_file). An error when the log is not as pos says
// (nothing is written then), or the write fails (cut back to pos.bytes).
Status append_index_log(const std::string& maildir, const IndexLogRecord& record, IndexLogPosition& pos);

// What a save must survive: `durable` (fsync of the file and the directory) for new
// UIDs, UIDVALIDITY, expunges, a fresh or reset index; `flags_only` (tmp + rename, no
// fsync) when only flags and modseqs changed: a power cut may bring the older file back.
enum class IndexDurability { durable, flags_only };

// Atomic (tmp + rename), mode 0600. First keeps `hamail-modseq` (modseq_mark.h) above
// the index's HIGHESTMODSEQ and from this boot: a durable write when it is not. Then
// removes hamail-uids.log (folded in). log, when given, is set to the new index's
// position (no log yet).
Status save_index_file(const std::string& maildir, const MailboxIndex& index,
                       IndexDurability durability = IndexDurability::durable, IndexLogPosition* log = nullptr);

// Absent: no keywords. A bad file is an error naming file:line (its letters would be
// misread otherwise). Call with the IndexLock held.
Result<KeywordList> load_keywords_file(const std::string& maildir);
Status save_keywords_file(const std::string& maildir, const KeywordList& keywords);

}  // namespace hamail::mailsvc::store
