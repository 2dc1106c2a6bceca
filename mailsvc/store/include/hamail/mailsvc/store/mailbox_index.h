// The per-mailbox index, sans-IO: UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, one (uid, modseq,
// Maildir flag letters, base) per message, and a log of the newest expunged (uid, modseq)
// for QRESYNC. Text form: the `hamail-uids` file, version 2 (version 1 files are read too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/index_log.h"

namespace hamail::mailsvc::store {

struct IndexEntry {
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  std::string flags;  // Maildir info letters, sorted ("" = none)
  std::string base;   // the file name before ':'
  bool operator==(const IndexEntry&) const = default;
};

struct ExpungedUid {
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;  // the change that removed it
  bool operator==(const ExpungedUid&) const = default;
};

// A message as the directory listing shows it.
struct PresentMessage {
  std::string base;
  std::string flags;  // sorted letters
};

class MailboxIndex {
 public:
  static constexpr std::size_t kMaxExpungeLog = 10000;

  static MailboxIndex fresh(std::uint32_t uidvalidity);
  // Version 2, or version 1 (every message modseq 1, flags learnt at the next sync).
  // file names the source in errors: "<file>:<line>: ...".
  static Result<MailboxIndex> parse(std::string_view text, const std::string& file);
  // The UIDVALIDITY in a file's first line when it has one (for a corrupt file: the
  // next UIDVALIDITY must differ from it).
  static std::optional<std::uint32_t> header_uidvalidity(std::string_view text);
  std::string serialize() const;  // always version 2

  // Makes the index match the listing (any order; a base listed twice counts once):
  // bases without a UID get new UIDs oldest first (digit runs in
  // names compared as numbers: "1.M9P1Q10" after "1.M9P1Q9"), changed flags and new
  // messages get one new modseq (the same for everything this call changed), vanished
  // messages go to the expunge log with it. Returns whether anything changed. If UIDs
  // would run out: uidvalidity + 1, everything renumbered from 1, the log emptied.
  bool sync(const std::vector<PresentMessage>& present);

  // STORE without a listing: the messages' flag letters as their renamed files now say
  // (unknown uids skipped, letters canonicalised); those that change get one new modseq.
  // Returns whether anything changed.
  bool set_flags(const std::vector<std::pair<std::uint32_t, std::string>>& flags);
  // A record of hamail-uids.log: its modseq must be above HIGHESTMODSEQ and each uid in
  // the index; an error (nothing changed) otherwise.
  Status apply_log_record(const IndexLogRecord& record);
  // The last change as a log record: every message whose modseq is HIGHESTMODSEQ.
  IndexLogRecord latest_change() const;
  // After writes may have been lost (a crash, see modseq_mark.h): the next modseq is
  // above `floor`, so no modseq a client may have seen is handed out again.
  void raise_highest_modseq(std::uint64_t floor);

  std::optional<std::uint32_t> uid_of(const std::string& base) const;
  const IndexEntry* find(std::uint32_t uid) const;
  std::uint32_t uidvalidity() const { return uidvalidity_; }
  std::uint32_t next_uid() const { return next_uid_; }
  std::uint64_t highest_modseq() const { return highest_modseq_; }
  const std::vector<IndexEntry>& entries() const { return entries_; }  // ascending uid
  const std::deque<ExpungedUid>& expunge_log() const { return expunged_; }  // oldest first
  // Highest modseq of an entry dropped from the log (0: nothing dropped yet).
  std::uint64_t expunge_log_floor() const { return expunge_floor_; }

  // UIDs expunged by changes after modseq `since`, ascending (QRESYNC VANISHED (EARLIER));
  // nullopt when the log no longer reaches back that far: the session then answers
  // with every UID it cannot vouch for (the full known-UID range), as RFC 7162 allows.
  std::optional<std::vector<std::uint32_t>> expunged_since(std::uint64_t since) const;

 private:
  void log_expunge(std::uint32_t uid, std::uint64_t modseq);

  std::uint32_t uidvalidity_ = 1;
  std::uint32_t next_uid_ = 1;
  std::uint64_t highest_modseq_ = 1;
  std::uint64_t expunge_floor_ = 0;
  std::vector<IndexEntry> entries_;
  std::deque<ExpungedUid> expunged_;
  std::unordered_map<std::string, std::uint32_t> by_base_;
};

}  // namespace hamail::mailsvc::store
