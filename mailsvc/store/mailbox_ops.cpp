// Mailbox's changing operations: STORE, EXPUNGE, APPEND, COPY, MOVE (mailbox.h). Each
// runs under the IndexLock on a fresh listing, then invalidates the stamp so the next
// refresh() lists again (smtpd delivers without the lock).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/index_file.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/maildir_name.h"

namespace hamail::mailsvc::store {

namespace {

// Streams src into the delivery in 64 KiB pieces.
Status copy_bytes(const std::string& src, Delivery& d) {
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("open", src, errno);
  std::string buf(64 * 1024, '\0');
  Status result = Status::ok();
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result = sys_error("read", src, errno);
      break;
    }
    if (n == 0) break;
    if (Status s = d.write(std::string_view(buf.data(), static_cast<std::size_t>(n))); !s) {
      result = s;
      break;
    }
  }
  ::close(fd);
  return result;
}

std::string file_name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// One message into dest's cur/ with these letters: a hard link, else (another file
// system, no links) its bytes with its mtime. Returns the name in cur/; "" when the
// source is gone.
Result<std::string> copy_message(Maildir& dest, const std::string& src, std::int64_t mtime,
                                 const std::string& letters) {
  auto d = dest.begin_delivery();
  if (!d) return Error{d.error()};
  std::string tmp = d->tmp_path();
  std::string name = join_name(file_name_of(tmp), letters);
  std::string to = dest.path() + "/cur/" + name;
  d->abort();  // frees the unique name for the hard link
  if (::link(src.c_str(), tmp.c_str()) == 0) {
    int rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0) return sys_error("rename " + tmp + " to", to, err);
    return name;
  }
  if (errno == ENOENT) return std::string();
  d = dest.begin_delivery();
  if (!d) return Error{d.error()};
  if (Status s = copy_bytes(src, *d); !s) return Error{s.message()};
  if (Status s = d->set_mtime(mtime); !s) return Error{s.message()};
  return d->commit_to_cur(letters);
}

}  // namespace

Result<StoreFlagsResult> Mailbox::store_flags(const std::vector<std::uint32_t>& uids, FlagOp op,
                                              const MessageFlags& flags, std::optional<std::uint64_t> unchangedsince) {
  auto lock = IndexLock::acquire(path_);
  if (!lock) return Error{lock.error()};
  // Fast: index_ is the file and its log as we last read or wrote them (every other
  // writer replaces the index or appends to the log), so its UIDs, modseqs and our
  // listing_'s names stand; no listing.
  std::optional<FileId> id = index_file_id();
  bool fast = id && index_id_ && *id == *index_id_ && log_as_known();
  std::optional<Stamp> before;
  if (fast) {
    auto keywords = load_keywords_file(path_);
    if (!keywords) return Error{keywords.error()};
    keywords_ = std::move(*keywords);
    if (stamp_) {
      auto b = take_stamp();
      if (!b) return Error{b.error()};
      if (*b == *stamp_) before = *b;  // nothing changed since the last trusted listing
    }
  } else if (Status s = reload_locked(); !s) {
    return Error{s.message()};
  }
  stamp_.reset();
  StoreFlagsResult out;
  std::vector<std::uint32_t> missing;
  if (Status s = apply_flags_locked(uids, op, flags, unchangedsince, out, fast ? &missing : nullptr); !s)
    return Error{s.message()};
  if (!missing.empty()) {  // renamed or removed by another writer: list, then once more
    before.reset();
    if (Status s = reload_locked(); !s) return Error{s.message()};
    if (Status s = apply_flags_locked(missing, op, flags, unchangedsince, out, nullptr); !s) return Error{s.message()};
  }
  auto after = take_stamp();
  if (!after) return Error{after.error()};
  own_ = *after;
  // Our renames and index are all that changed since a trusted stamp when tmp/ (every
  // delivery passes through it) did not move: the stamp after them is trusted too.
  if (before && after->tmp_ns == before->tmp_ns) stamp_ = *after;
  for (auto& [uid, modseq] : out.modified) {
    if (const IndexEntry* e = index_.find(uid)) modseq = e->modseq;  // a retry's modseq is the newest
    auto v = std::lower_bound(view_.begin(), view_.end(), std::pair<std::uint32_t, std::uint64_t>{uid, 0});
    if (v != view_.end() && v->first == uid) v->second = modseq;  // the session reports it itself
  }
  std::sort(out.modified.begin(), out.modified.end());
  out.modified.erase(std::unique(out.modified.begin(), out.modified.end()), out.modified.end());
  std::sort(out.failed.begin(), out.failed.end());
  out.failed.erase(std::unique(out.failed.begin(), out.failed.end()), out.failed.end());
  return out;
}

Status Mailbox::apply_flags_locked(const std::vector<std::uint32_t>& uids, FlagOp op, const MessageFlags& flags,
                                   std::optional<std::uint64_t> unchangedsince, StoreFlagsResult& out,
                                   std::vector<std::uint32_t>* missing) {
  KeywordList keywords = keywords_;
  struct Rename {
    std::uint32_t uid;
    std::size_t pos;
    std::string to;       // new name in cur/
    std::string letters;  // its flag letters
  };
  std::vector<Rename> plan;
  for (std::uint32_t uid : uids) {  // first every new name: a 27th keyword changes nothing
    const IndexEntry* e = index_.find(uid);
    std::size_t pos = listing_of(uid);
    if (!e || pos == kNone) continue;
    if (unchangedsince && e->modseq > *unchangedsince) {
      out.failed.push_back(uid);
      continue;
    }
    const Listed& l = listing_[pos];
    MaildirName n = split_name(l.name);
    auto letters = apply_flags(l.in_new ? "" : n.flags, op, flags, keywords);
    if (!letters) return Error{letters.error()};
    if (l.in_new ? letters->empty() : *letters == n.flags) continue;
    plan.push_back({uid, pos, join_name(n.base, *letters), *letters});
  }
  if (keywords.serialize() != keywords_.serialize()) {  // letters are on disk only once named
    if (Status s = save_keywords_file(path_, keywords); !s) return s;
    keywords_ = std::move(keywords);
  }
  // Flag renames are not fsynced (README.md, "Durability"): a power cut may undo them,
  // the message itself stays (a rename is atomic) in new/ or cur/.
  std::vector<std::pair<std::uint32_t, std::string>> renamed;
  for (const auto& r : plan) {
    Listed& l = listing_[r.pos];
    std::string from = path_of(l), to = path_ + "/cur/" + r.to;
    if (::rename(from.c_str(), to.c_str()) != 0) {
      if (errno != ENOENT) return sys_error("rename " + from + " to", to, errno);
      if (missing) missing->push_back(r.uid);  // renamed by another writer: retried after a listing
      continue;                                // else removed meanwhile (POP3 takes no index lock)
    }
    l = {r.to, false};
    renamed.emplace_back(r.uid, r.letters);
  }
  if (index_.set_flags(renamed)) {
    if (Status s = save_flags_change(); !s) return s;
  }
  for (const auto& [uid, letters] : renamed)
    if (const IndexEntry* e = index_.find(uid)) out.modified.emplace_back(uid, e->modseq);
  return Status::ok();
}

Result<std::vector<std::uint32_t>> Mailbox::expunge(const std::vector<std::uint32_t>& uids) {
  auto lock = IndexLock::acquire(path_);
  if (!lock) return Error{lock.error()};
  if (Status s = reload_locked(); !s) return Error{s.message()};
  stamp_.reset();
  std::vector<std::uint32_t> removed;
  bool in_new = false, in_cur = false;
  for (std::uint32_t uid : uids) {
    std::size_t pos = listing_of(uid);
    if (pos == kNone) continue;
    Listed& l = listing_[pos];
    std::string p = path_of(l);
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) return sys_error("delete", p, errno);
    (l.in_new ? in_new : in_cur) = true;
    l.name.clear();
    removed.push_back(uid);
  }
  if (in_new) {
    if (Status s = fsync_directory(path_ + "/new"); !s) return Error{s.message()};
  }
  if (in_cur) {
    if (Status s = fsync_directory(path_ + "/cur"); !s) return Error{s.message()};
  }
  if (Status s = sync_and_save(false); !s) return Error{s.message()};
  std::sort(removed.begin(), removed.end());
  removed.erase(std::unique(removed.begin(), removed.end()), removed.end());
  std::erase_if(view_, [&](const auto& v) { return std::binary_search(removed.begin(), removed.end(), v.first); });
  return removed;
}

Result<std::uint32_t> Mailbox::append(std::string_view bytes, const MessageFlags& flags, std::int64_t internal_date) {
  auto lock = IndexLock::acquire(path_);
  if (!lock) return Error{lock.error()};
  if (Status s = reload_locked(); !s) return Error{s.message()};
  stamp_.reset();
  KeywordList keywords = keywords_;
  auto letters = apply_flags("", FlagOp::set, flags, keywords);
  if (!letters) return Error{letters.error()};
  if (keywords.serialize() != keywords_.serialize()) {
    if (Status s = save_keywords_file(path_, keywords); !s) return Error{s.message()};
    keywords_ = std::move(keywords);
  }
  auto d = dir_.begin_delivery();
  if (!d) return Error{d.error()};
  if (Status s = d->write(bytes); !s) return Error{s.message()};
  if (Status s = d->set_mtime(internal_date); !s) return Error{s.message()};
  auto name = d->commit_to_cur(*letters);
  if (!name) return Error{name.error()};
  listing_.push_back({*name, false});
  if (Status s = sync_and_save(false); !s) return Error{s.message()};
  auto uid = index_.uid_of(split_name(*name).base);
  if (!uid) return Error{"append to " + path_ + ": no UID for " + *name};
  return *uid;
}

Result<std::vector<std::pair<std::uint32_t, std::uint32_t>>> Mailbox::copy(const std::vector<std::uint32_t>& uids,
                                                                          Mailbox& dest) {
  struct Source {
    std::uint32_t uid;
    std::string path;
    MessageFlags flags;
    std::int64_t mtime;
  };
  std::vector<Source> sources;  // read without any lock: never two locks held at once
  for (std::uint32_t uid : uids) {
    struct stat st {};
    std::string p;
    if (!index_.find(uid) || !stat_message(uid, st, &p)) continue;  // gone: nothing to copy
    const IndexEntry* e = index_.find(uid);
    if (!e) continue;
    sources.push_back({uid, std::move(p), flags_from_letters(e->flags, keywords_), st.st_mtim.tv_sec});
  }
  auto lock = IndexLock::acquire(dest.path_);
  if (!lock) return Error{lock.error()};
  if (Status s = dest.reload_locked(); !s) return Error{s.message()};
  dest.stamp_.reset();
  KeywordList keywords = dest.keywords_;
  std::vector<std::string> letters;
  for (const auto& src : sources) {
    auto l = apply_flags("", FlagOp::set, src.flags, keywords);
    if (!l) return Error{l.error()};
    letters.push_back(std::move(*l));
  }
  if (keywords.serialize() != dest.keywords_.serialize()) {
    if (Status s = save_keywords_file(dest.path_, keywords); !s) return Error{s.message()};
    dest.keywords_ = std::move(keywords);
  }
  std::vector<std::pair<std::uint32_t, std::string>> copied;  // (source uid, name in dest's cur/)
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto name = copy_message(dest.dir_, sources[i].path, sources[i].mtime, letters[i]);
    if (!name) {  // COPY fails as a whole (RFC 3501 6.4.7): the copies made so far go again
      for (const auto& c : copied) ::unlink((dest.path_ + "/cur/" + c.second).c_str());
      (void)fsync_directory(dest.path_ + "/cur");
      return Error{name.error()};
    }
    if (!name->empty()) copied.emplace_back(sources[i].uid, std::move(*name));
  }
  for (const auto& c : copied) dest.listing_.push_back({c.second, false});
  if (Status s = fsync_directory(dest.path_ + "/cur"); !s) return Error{s.message()};
  if (Status s = dest.sync_and_save(false); !s) return Error{s.message()};
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (const auto& [src, name] : copied) {
    if (auto uid = dest.index_.uid_of(split_name(name).base)) out.emplace_back(src, *uid);
  }
  return out;
}

Result<std::vector<std::pair<std::uint32_t, std::uint32_t>>> Mailbox::move(const std::vector<std::uint32_t>& uids,
                                                                          Mailbox& dest) {
  auto pairs = copy(uids, dest);
  if (!pairs) return pairs;
  std::vector<std::uint32_t> sources;
  for (const auto& p : *pairs) sources.push_back(p.first);
  if (auto r = expunge(sources); !r) return Error{r.error()};
  return pairs;
}

}  // namespace hamail::mailsvc::store
