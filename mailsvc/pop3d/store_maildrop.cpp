#include "hamail/mailsvc/pop3d/store_maildrop.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <unordered_map>

#include "hamail/mailsvc/store/fs.h"

namespace hamail::mailsvc::pop3d {

std::string format_uidl(std::uint32_t uidvalidity, std::uint32_t uid) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x%08x", uidvalidity, uid);
  return buf;
}

Result<std::uint64_t> crlf_size(const std::string& path, std::uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return store::sys_error("open", path, errno);
  char buf[16384];
  std::uint64_t total = 0, size = 0;
  char prev = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return store::sys_error("read", path, err);
    }
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > max_bytes) {
      ::close(fd);
      return Error{path + ": message larger than " + std::to_string(max_bytes) + " bytes"};
    }
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n' && prev != '\r') ++size;
      ++size;
      prev = buf[i];
    }
  }
  ::close(fd);
  return size;
}

Result<StoreMaildrop::Opened> StoreMaildrop::open(const std::string& path, std::uint64_t max_message_bytes,
                                                  const Logger& log, std::string log_user, std::string session_id,
                                                  MaildropCounters counters) {
  auto dir = store::Maildir::create(path);
  if (!dir) return Error{dir.error()};
  std::string lock_path = path + "/" + kLockFile;
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return store::sys_error("open", lock_path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return Opened{true, nullptr};
    return store::sys_error("flock", lock_path, err);
  }
  std::unique_ptr<StoreMaildrop> drop(
      new StoreMaildrop(std::move(*dir), fd, max_message_bytes, log, std::move(log_user), std::move(session_id),
                        counters));
  if (Status s = drop->load_snapshot(); !s) return Error{s.message()};
  return Opened{false, std::move(drop)};
}

StoreMaildrop::~StoreMaildrop() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Status StoreMaildrop::load_snapshot() {
  auto uids = dir_.sync_uids();
  if (!uids) return Error{uids.error()};
  auto list = dir_.list();
  if (!list) return Error{list.error()};
  struct Entry {
    std::uint32_t uid;
    const store::MessageInfo* msg;
  };
  std::vector<Entry> entries;
  for (const auto& m : *list) {
    // A message delivered between sync_uids() and list() has no UID yet: next session.
    if (auto uid = uids->uid_of(m.base)) entries.push_back({*uid, &m});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.uid < b.uid; });
  for (const auto& e : entries) {
    std::string file = dir_.path() + (e.msg->in_new ? "/new/" : "/cur/") + e.msg->name;
    auto size = crlf_size(file, max_bytes_);
    if (!size) {
      if (!store::path_exists(file)) continue;  // removed meanwhile
      return Error{size.error()};
    }
    names_.push_back(e.msg->name);
    infos_.push_back({*size, format_uidl(uids->uidvalidity(), e.uid)});
  }
  return Status::ok();
}

Result<std::string> StoreMaildrop::read(std::size_t index) {
  if (index >= names_.size()) return Error{"no message " + std::to_string(index + 1)};
  auto text = dir_.read(names_[index], max_bytes_);
  if (!text) return Error{text.error()};
  log_.info("message_read")
      .kv("session", session_id_)
      .kv("user", user_)
      .kv("uidl", infos_[index].uidl)
      .kv("size", static_cast<long long>(infos_[index].size))
      .kv("file", names_[index]);  // smtpd's delivered record names it too: the mail trace links them
  counters_.retrieved.inc();
  return text;
}

Status StoreMaildrop::commit_deletions(const std::vector<std::size_t>& indexes) {
  std::vector<std::string> names;
  std::vector<std::size_t> index_of;  // names[k] is message index_of[k]
  for (std::size_t i : indexes) {
    if (i >= names_.size()) continue;
    names.push_back(names_[i]);
    index_of.push_back(i);
  }
  if (names.empty()) return Status::ok();
  store::Maildir::Removal r = dir_.remove_all(names);
  // A message already gone (expunged over IMAP meanwhile) is deleted as far as this session goes.
  std::unordered_map<std::string, std::size_t> index_by_name;
  for (std::size_t k = 0; k < names.size(); ++k) index_by_name.emplace(names[k], index_of[k]);
  for (const auto* done : {&r.removed, &r.missing}) {
    for (const auto& name : *done) {
      log_.info("message_deleted").kv("session", session_id_).kv("user", user_)
          .kv("uidl", infos_[index_by_name.at(name)].uidl).kv("file", name);
      counters_.deleted.inc();
    }
  }
  if (auto u = dir_.sync_uids(); !u) {
    log_.warning("uid_sync_failed").kv("user", user_).kv("error", u.error());
  }
  if (!r.errors.empty()) return Error{r.errors};
  return Status::ok();
}

}  // namespace hamail::mailsvc::pop3d
