// One mailbox as an IMAP session sees it: a Maildir, its index (UIDs, modseqs), its
// keywords, and the session's view (uid -> modseq as last reported), so refresh() says
// what other sessions and deliveries changed since. Not thread-safe: one per session.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/index_file.h"
#include "hamail/mailsvc/store/keyword_list.h"
#include "hamail/mailsvc/store/maildir.h"
#include "hamail/mailsvc/store/mailbox_index.h"
#include "hamail/mailsvc/store/message_flags.h"

namespace hamail::mailsvc::store {

// What changed since the view the session last had (each list ascending).
struct MailboxChanges {
  std::vector<std::uint32_t> added;     // untagged EXISTS (and FETCH of new messages)
  std::vector<std::uint32_t> expunged;  // untagged EXPUNGE / VANISHED
  std::vector<std::uint32_t> changed;   // flags changed: untagged FETCH FLAGS (MODSEQ)
  // The index was started afresh (corrupt, or UIDs ran out): every UID the session knows
  // is void. added holds every message; the session must end (BYE) or re-select.
  bool uidvalidity_changed = false;
  bool empty() const { return added.empty() && expunged.empty() && changed.empty() && !uidvalidity_changed; }
};

struct MessageState {
  std::uint32_t uid = 0;
  std::uint64_t modseq = 0;
  MessageFlags flags;
};

struct StoreFlagsResult {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> modified;  // (uid, new modseq), flags changed
  std::vector<std::uint32_t> failed;  // UNCHANGEDSINCE failed: modseq above it (RFC 7162 MODIFIED)
};

class Mailbox {
 public:
  // Opens (does not create) the Maildir at path; the view starts as the mailbox is now.
  static Result<Mailbox> open(const std::string& path);

  const std::string& path() const { return path_; }
  std::uint32_t uidvalidity() const { return index_.uidvalidity(); }
  std::uint32_t next_uid() const { return index_.next_uid(); }
  std::uint64_t highest_modseq() const { return index_.highest_modseq(); }
  const KeywordList& keywords() const { return keywords_; }

  // Catches up with the directory and the index: when the mtimes of new/, cur/, tmp/,
  // the index, its log and the keywords file are as last trusted it touches nothing else;
  // else one listing of new/ and cur/ (names only, no stat per message), the index synced
  // under the lock (new files get UIDs) and saved if changed. A listing is trusted when its
  // mtimes are settled (mtime_trust.h) or, for new/, cur/, the index, its log and keywords, are the ones
  // this session's own last STORE left (README.md, "Stamp").
  Result<MailboxChanges> refresh();

  // The session's view: its messages in UID order, as refresh() last reported them.
  std::vector<std::uint32_t> uids() const;
  std::optional<MessageState> message(std::uint32_t uid) const;
  // UIDs expunged after modseq `since` (QRESYNC VANISHED (EARLIER)); nullopt: the log no
  // longer reaches back, answer with the full range the client gave.
  std::optional<std::vector<std::uint32_t>> expunged_since(std::uint64_t since) const {
    return index_.expunged_since(since);
  }

  // Per message, read from the file when asked (one stat): its path, size, internal date.
  Result<std::string> file_path(std::uint32_t uid);
  Result<std::uint64_t> size(std::uint32_t uid);
  Result<std::int64_t> internal_date(std::uint32_t uid);  // the file's mtime, unix seconds

  // STORE: uids that are gone are skipped. The view takes the new modseqs (the session
  // answers with its own FETCH), so the next refresh() does not report them again.
  // Renames the files by the names this session knows (no listing) while the index file
  // and its log are as it last read or wrote them; a rename failing with ENOENT (another session or
  // pop3d renamed or removed it): one listing, then those messages once more. The change
  // is appended to hamail-uids.log (past its bound: the index saved flags_only instead),
  // without fsync.
  Result<StoreFlagsResult> store_flags(const std::vector<std::uint32_t>& uids, FlagOp op,
                                       const MessageFlags& flags, std::optional<std::uint64_t> unchangedsince);
  // Removes the messages; returns the uids removed (gone from the view too).
  Result<std::vector<std::uint32_t>> expunge(const std::vector<std::uint32_t>& uids);
  // APPEND: written to tmp/, mtime = internal_date, fsynced, renamed into cur/ with its
  // flags; returns its UID (with uidvalidity() for APPENDUID). Not in the view until
  // refresh() reports it.
  Result<std::uint32_t> append(std::string_view bytes, const MessageFlags& flags, std::int64_t internal_date);
  // COPY: (source uid, destination uid) pairs for COPYUID; hard links when on the same
  // file system, else copied. Flags and the internal date come along.
  Result<std::vector<std::pair<std::uint32_t, std::uint32_t>>> copy(const std::vector<std::uint32_t>& uids,
                                                                   Mailbox& dest);
  // MOVE = copy, then expunge the copied sources.
  Result<std::vector<std::pair<std::uint32_t, std::uint32_t>>> move(const std::vector<std::uint32_t>& uids,
                                                                   Mailbox& dest);

 private:
  struct Stamp {
    std::int64_t new_ns = 0, cur_ns = 0, index_ns = 0, keywords_ns = 0, tmp_ns = 0, log_ns = 0;
    std::uint64_t index_ino = 0, index_size = 0, keywords_ino = 0, log_ino = 0, log_size = 0;
    bool operator==(const Stamp&) const = default;
  };
  struct FileId {  // which version of the index file index_ is
    std::uint64_t ino = 0, size = 0;
    std::int64_t mtime_ns = 0;
    std::string header;  // first line: HIGHESTMODSEQ/UIDNEXT move with every change (inodes are reused)
    bool operator==(const FileId&) const = default;
  };
  struct Listed {
    std::string name;  // file name
    bool in_new = false;
  };

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  explicit Mailbox(Maildir dir) : path_(dir.path()), dir_(std::move(dir)) {}
  Result<Stamp> take_stamp() const;  // tmp/ last: see refresh()
  // Whether a stamp taken before a listing shows every later change (README.md, "Stamp").
  bool trusted(const Stamp& s) const;
  // STORE's work on the current listing_: new names, renames, the index updated and saved
  // (flags_only). A rename failing with ENOENT goes to *missing when given, else skipped.
  Status apply_flags_locked(const std::vector<std::uint32_t>& uids, FlagOp op, const MessageFlags& flags,
                            std::optional<std::uint64_t> unchangedsince, StoreFlagsResult& out,
                            std::vector<std::uint32_t>* missing);
  // A flags-only change of index_ (its latest modseq) on disk: appended to the change log
  // while index_ is the file plus log_ and the log is below its bound, else the index
  // rewritten without fsync (which folds the log in).
  Status save_flags_change();
  // Whether hamail-uids.log is where log_ says (same inode and size; both absent).
  bool log_as_known() const;
  // With the lock held: reloads index (only the log's new records when the index file
  // is unchanged) and keywords, lists new/ and cur/, syncs, saves.
  Status reload_locked();
  Status reload();  // takes the lock
  // Syncs index_ with listing_ (entries with an empty name are gone), saves the index if
  // changed or must_save, rebuilds pos_.
  Status sync_and_save(bool must_save);
  std::size_t listing_of(std::uint32_t uid) const;  // kNone when unknown
  std::string path_of(const Listed& l) const { return path_ + (l.in_new ? "/new/" : "/cur/") + l.name; }
  // stat() of the message's file; a file renamed meanwhile by another session: one reload.
  Status stat_message(std::uint32_t uid, struct stat& st, std::string* path);
  MailboxChanges diff_view();

  std::string path_;
  Maildir dir_;
  MailboxIndex index_ = MailboxIndex::fresh(1);
  KeywordList keywords_;
  std::vector<Listed> listing_;  // new/ and cur/ as last listed (and changed by us since)
  std::vector<std::size_t> pos_;  // parallel to index_.entries(): its listing_ position
  std::vector<std::pair<std::uint32_t, std::uint64_t>> view_;  // ascending uid
  std::uint32_t view_uidvalidity_ = 0;
  bool view_current_ = false;    // index_ unchanged since the view was taken
  std::optional<Stamp> stamp_;   // set when a listing may be skipped
  std::optional<Stamp> own_;     // taken under the lock right after this session's last STORE
  std::optional<FileId> index_id_;  // the index file index_ was read from or saved as
  IndexLogPosition log_;            // with index_id_: index_ = that file + this much log
  std::optional<FileId> index_file_id() const;
};

}  // namespace hamail::mailsvc::store
