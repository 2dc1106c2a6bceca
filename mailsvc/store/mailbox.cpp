#include "hamail/mailsvc/store/mailbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <tuple>
#include <unordered_map>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/index_file.h"
#include "hamail/mailsvc/store/maildir_name.h"
#include "hamail/mailsvc/store/mtime_trust.h"

namespace hamail::mailsvc::store {

namespace {

std::int64_t ns_of(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

std::int64_t now_ns() {
  struct timespec t {};
  ::clock_gettime(CLOCK_REALTIME, &t);
  return ns_of(t);
}

}  // namespace

Result<Mailbox> Mailbox::open(const std::string& path) {
  auto dir = Maildir::open(path);
  if (!dir) return Error{dir.error()};
  Mailbox m(std::move(*dir));
  // Stamped before the read, as refresh() does: a refresh() right after (SELECT's) then
  // reads nothing again when nothing changed.
  auto stamp = m.take_stamp();
  if (Status s = m.reload(); !s) return Error{s.message()};
  if (stamp && m.trusted(*stamp)) m.stamp_ = *stamp;
  (void)m.diff_view();  // the view starts as the mailbox is now
  return m;
}

Result<Mailbox::Stamp> Mailbox::take_stamp() const {
  Stamp s;
  struct stat st {};
  for (auto [sub, out] : {std::pair{"/new", &s.new_ns}, std::pair{"/cur", &s.cur_ns}}) {
    if (::stat((path_ + sub).c_str(), &st) != 0) return sys_error("stat", path_ + sub, errno);
    *out = ns_of(st.st_mtim);
  }
  std::string index = path_ + "/" + kIndexFile;
  if (::stat(index.c_str(), &st) == 0) {
    s.index_ns = ns_of(st.st_mtim);
    s.index_ino = st.st_ino;
    s.index_size = static_cast<std::uint64_t>(st.st_size);
  }
  std::string log = path_ + "/" + kIndexLogFile;
  if (::stat(log.c_str(), &st) == 0) {
    s.log_ns = ns_of(st.st_mtim);
    s.log_ino = st.st_ino;
    s.log_size = static_cast<std::uint64_t>(st.st_size);
  }
  std::string keywords = path_ + "/" + kKeywordsFile;
  if (::stat(keywords.c_str(), &st) == 0) {
    s.keywords_ns = ns_of(st.st_mtim);
    s.keywords_ino = st.st_ino;
  }
  // Last: a delivery renames out of tmp/ into new/ in one step, so one that the stats
  // above missed moves tmp/'s mtime after this stat, or showed in it already.
  if (::stat((path_ + "/tmp").c_str(), &st) != 0) return sys_error("stat", path_ + "/tmp", errno);
  s.tmp_ns = ns_of(st.st_mtim);
  return s;
}

Status Mailbox::reload() {
  auto lock = IndexLock::acquire(path_);
  if (!lock) return Error{lock.error()};
  return reload_locked();
}

std::optional<Mailbox::FileId> Mailbox::index_file_id() const {
  std::string path = path_ + "/" + kIndexFile;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  char buf[128];
  ssize_t n = ::fstat(fd, &st) == 0 ? ::pread(fd, buf, sizeof buf, 0) : -1;
  ::close(fd);
  if (n < 0) return std::nullopt;
  std::string_view head(buf, static_cast<std::size_t>(n));
  return FileId{static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size), ns_of(st.st_mtim),
                std::string(head.substr(0, head.find('\n')))};
}

bool Mailbox::log_as_known() const {
  struct stat st {};
  if (::stat((path_ + "/" + kIndexLogFile).c_str(), &st) != 0) return errno == ENOENT && log_.bytes == 0;
  return log_.bytes != 0 && static_cast<std::uint64_t>(st.st_ino) == log_.ino &&
         static_cast<std::uint64_t>(st.st_size) == log_.bytes;
}

Status Mailbox::reload_locked() {
  // The index is parsed again only when another process replaced it since we read or
  // wrote it (every writer holds the lock; a replacement is a new inode). When only its
  // log grew (another session's STORE), only the new records are applied.
  std::optional<FileId> id = index_file_id();
  bool must_save = false;
  bool current = id && index_id_ && *id == *index_id_;
  if (current && !log_as_known()) {
    auto tail = apply_index_log_tail(path_, index_, log_);
    if (!tail) return Error{tail.error()};
    current = *tail;
  }
  if (!current) {
    auto loaded = load_index_file(path_, static_cast<std::uint32_t>(std::time(nullptr)));
    if (!loaded) return Error{loaded.error()};
    index_ = std::move(loaded->index);
    must_save = loaded->must_save;
    log_ = loaded->log;
    index_id_ = must_save ? std::nullopt : id;  // read after the stat: at least that version
  }
  auto keywords = load_keywords_file(path_);
  if (!keywords) return Error{keywords.error()};
  std::vector<Listed> listing;
  listing.reserve(listing_.size() + 16);
  for (bool in_new : {true, false}) {
    Status s = for_each_name(path_ + (in_new ? "/new" : "/cur"), false, [&](std::string_view n) {
      if (check_message_name(n)) listing.push_back({std::string(n), in_new});  // dot files etc. are not mail
    });
    if (!s) return s;
  }
  keywords_ = std::move(*keywords);
  listing_ = std::move(listing);
  return sync_and_save(must_save);
}

Status Mailbox::sync_and_save(bool must_save) {
  std::vector<PresentMessage> present;
  present.reserve(listing_.size());
  for (const auto& l : listing_) {
    if (l.name.empty()) continue;
    MaildirName n = split_name(l.name);
    present.push_back({std::move(n.base), l.in_new ? std::string() : std::move(n.flags)});
  }
  const auto uids_before = std::tuple(index_.uidvalidity(), index_.next_uid(), index_.entries().size(),
                                     index_.expunge_log().size(), index_.expunge_log_floor());
  if (index_.sync(present) || must_save) {
    // New UIDs, expunges, a new UIDVALIDITY: durable. Flags and modseqs only: not.
    bool uids_changed = uids_before != std::tuple(index_.uidvalidity(), index_.next_uid(), index_.entries().size(),
                                                  index_.expunge_log().size(), index_.expunge_log_floor());
    if (must_save || uids_changed) {
      index_id_.reset();  // unsaved changes: read the file again next time
      if (Status s = save_index_file(path_, index_, IndexDurability::durable, &log_); !s) return s;
      index_id_ = index_file_id();  // under the lock: no one else wrote it since
    } else if (Status s = save_flags_change(); !s) {
      return s;
    }
  }
  std::unordered_map<std::string_view, std::size_t> by_base;
  by_base.reserve(listing_.size());
  for (std::size_t i = 0; i < listing_.size(); ++i) {
    if (listing_[i].name.empty()) continue;
    std::string_view name = listing_[i].name;
    by_base.emplace(name.substr(0, name.find(':')), i);
  }
  pos_.assign(index_.entries().size(), kNone);
  for (std::size_t i = 0; i < pos_.size(); ++i) {
    if (auto it = by_base.find(index_.entries()[i].base); it != by_base.end()) pos_[i] = it->second;
  }
  view_current_ = false;
  return Status::ok();
}

Status Mailbox::save_flags_change() {
  if (index_id_ && log_.bytes < index_log_bound(log_.tie.index_bytes)) {
    // Not as known (cannot happen under the lock) or a failed write: rewrite instead.
    if (append_index_log(path_, index_.latest_change(), log_)) return Status::ok();
  }
  index_id_.reset();  // unsaved changes: read the file again next time
  if (Status s = save_index_file(path_, index_, IndexDurability::flags_only, &log_); !s) return s;
  index_id_ = index_file_id();  // under the lock: no one else wrote it since
  return Status::ok();
}

Result<MailboxChanges> Mailbox::refresh() {
  auto stamp = take_stamp();
  if (!stamp) return Error{stamp.error()};
  if (!stamp_ || !(*stamp_ == *stamp)) {
    if (Status s = reload(); !s) return Error{s.message()};
    // A change within the file system's timestamp granularity of the stat above would
    // leave the mtimes as they are: only a stamp old enough (or our own) is trusted.
    if (trusted(*stamp)) stamp_ = *stamp;
    else stamp_.reset();
  }
  if (view_current_) return MailboxChanges{};
  return diff_view();
}

bool Mailbox::trusted(const Stamp& s) const {
  std::int64_t now = now_ns(), window = mtime_window_ns({s.new_ns, s.cur_ns, s.tmp_ns});
  auto settled = [&](std::int64_t t) { return mtime_settled(t, now, window); };
  // Our own STORE's values: every other writer of cur/, the index and the keywords holds
  // the lock and replaces the index (a new inode), pop3d's unlocked unlink is followed by
  // its locked index rewrite, and a delivery to new/ goes through tmp/, which must settle.
  const Stamp* own = own_ ? &*own_ : nullptr;
  bool index_ok = settled(s.index_ns) || (own && s.index_ino == own->index_ino && s.index_ns == own->index_ns &&
                                          s.index_size == own->index_size);
  bool log_ok = settled(s.log_ns) ||
                (own && s.log_ino == own->log_ino && s.log_ns == own->log_ns && s.log_size == own->log_size);
  bool keywords_ok = settled(s.keywords_ns) || (own && s.keywords_ino == own->keywords_ino &&
                                                s.keywords_ns == own->keywords_ns);
  return settled(s.tmp_ns) && (settled(s.new_ns) || (own && s.new_ns == own->new_ns)) &&
         (settled(s.cur_ns) || (own && s.cur_ns == own->cur_ns)) && index_ok && log_ok && keywords_ok;
}

MailboxChanges Mailbox::diff_view() {
  MailboxChanges c;
  const auto& entries = index_.entries();
  if (view_uidvalidity_ != index_.uidvalidity()) {
    c.uidvalidity_changed = view_uidvalidity_ != 0;
    view_.clear();
    view_uidvalidity_ = index_.uidvalidity();
  }
  std::size_t i = 0, j = 0;
  while (i < view_.size() || j < entries.size()) {
    if (j == entries.size() || (i < view_.size() && view_[i].first < entries[j].uid)) {
      c.expunged.push_back(view_[i++].first);
    } else if (i == view_.size() || entries[j].uid < view_[i].first) {
      c.added.push_back(entries[j++].uid);
    } else {
      if (view_[i].second != entries[j].modseq) c.changed.push_back(entries[j].uid);
      ++i, ++j;
    }
  }
  view_.clear();
  view_.reserve(entries.size());
  for (const auto& e : entries) view_.emplace_back(e.uid, e.modseq);
  view_current_ = true;
  return c;
}

std::vector<std::uint32_t> Mailbox::uids() const {
  std::vector<std::uint32_t> out;
  out.reserve(view_.size());
  for (const auto& v : view_) out.push_back(v.first);
  return out;
}

std::optional<MessageState> Mailbox::message(std::uint32_t uid) const {
  auto in_view = std::lower_bound(view_.begin(), view_.end(), std::pair<std::uint32_t, std::uint64_t>{uid, 0});
  if (in_view == view_.end() || in_view->first != uid) return std::nullopt;
  const IndexEntry* e = index_.find(uid);
  if (!e) return std::nullopt;  // expunged, not yet reported
  return MessageState{uid, e->modseq, flags_from_letters(e->flags, keywords_)};
}

std::size_t Mailbox::listing_of(std::uint32_t uid) const {
  const IndexEntry* e = index_.find(uid);
  return e ? pos_[static_cast<std::size_t>(e - index_.entries().data())] : kNone;
}

Status Mailbox::stat_message(std::uint32_t uid, struct stat& st, std::string* path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::size_t pos = listing_of(uid);
    if (pos == kNone) return Error{"uid " + std::to_string(uid) + " is not in " + path_};
    std::string p = path_of(listing_[pos]);
    if (::stat(p.c_str(), &st) == 0) {
      if (path) *path = std::move(p);
      return Status::ok();
    }
    if (errno != ENOENT || attempt == 1) return sys_error("stat", p, errno);
    if (Status s = reload(); !s) return s;  // renamed (flags) or removed by another session
  }
  return Status::ok();
}

Result<std::string> Mailbox::file_path(std::uint32_t uid) {
  struct stat st {};
  std::string p;
  if (Status s = stat_message(uid, st, &p); !s) return Error{s.message()};
  return p;
}

Result<std::uint64_t> Mailbox::size(std::uint32_t uid) {
  struct stat st {};
  if (Status s = stat_message(uid, st, nullptr); !s) return Error{s.message()};
  return static_cast<std::uint64_t>(st.st_size);
}

Result<std::int64_t> Mailbox::internal_date(std::uint32_t uid) {
  struct stat st {};
  if (Status s = stat_message(uid, st, nullptr); !s) return Error{s.message()};
  return static_cast<std::int64_t>(st.st_mtim.tv_sec);
}

}  // namespace hamail::mailsvc::store
