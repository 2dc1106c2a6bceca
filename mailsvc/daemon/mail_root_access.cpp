#include "hamail/mailsvc/daemon/mail_root_access.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hamail::mailsvc::daemon {

namespace {

constexpr int kMaxDepth = 32;  // maildirs/<domain>/<user>/Maildir/.Folder.Sub/cur is 6

Error sys_error(const std::string& what, const std::string& path, int err) {
  return Error{"mail_root: " + what + " " + path + ": " + std::strerror(err)};
}

// mkdir -p with `mode` for the directories it makes (exactly: the umask is undone).
Status make_dirs(const std::string& dir, mode_t mode) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::ok();
    return Error{"mail_root: " + dir + " exists and is not a directory"};
  }
  if (errno != ENOENT) return sys_error("stat", dir, errno);
  auto slash = dir.rfind('/');
  if (slash != std::string::npos && slash > 0)
    if (Status s = make_dirs(dir.substr(0, slash), 0755); !s) return s;
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return sys_error("mkdir", dir, errno);
  if (::chmod(dir.c_str(), mode) != 0) return sys_error("chmod", dir, errno);
  return Status::ok();
}

// Gives `path` (not followed if a link) group `gid` and the group bits in `bits`;
// returns whether anything changed.
Result<bool> share_with_group(int dirfd, const std::string& name, const std::string& path, gid_t gid, mode_t bits) {
  struct stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return sys_error("stat", path, errno);
  if (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && st.st_nlink == 1)) return false;
  bool changed = false;
  if (st.st_gid != gid) {
    if (::fchownat(dirfd, name.c_str(), static_cast<uid_t>(-1), gid, AT_SYMLINK_NOFOLLOW) != 0)
      return sys_error("chgrp", path, errno);
    changed = true;
  }
  mode_t mode = st.st_mode & 07777;
  if ((mode & bits) != bits) {
    if (::fchmodat(dirfd, name.c_str(), mode | bits, 0) != 0) return sys_error("chmod", path, errno);
    changed = true;
  }
  return changed;
}

Status prepare_users_dir(const std::string& dir, const Account& a, const Logger& log) {
  if (Status s = make_dirs(dir, 0750); !s) return s;
  std::size_t changed = 0;
  auto top = share_with_group(AT_FDCWD, dir, dir, a.gid, 0050);
  if (!top) return Error{top.error()};
  changed += *top;
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return sys_error("open", dir, errno);
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return sys_error("opendir", dir, errno);
  }
  Status result = Status::ok();
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || e->d_type == DT_DIR) continue;
    auto r = share_with_group(fd, name, dir + "/" + name, a.gid, 0040);
    if (!r) {
      result = Error{r.error()};
      break;
    }
    changed += *r;
  }
  ::closedir(d);
  if (changed)
    log.info("user_db_group_set").kv("dir", dir).kv("group_id", static_cast<unsigned long>(a.gid))
        .kv("changed", static_cast<unsigned long>(changed)).kv("note", "readable by the mail daemons' group");
  return result;
}

struct TakeOver {
  const Account& account;
  std::size_t changed = 0;
  std::size_t skipped = 0;  // regular files with several hard links: maybe not ours
};

// Everything under the open directory `fd` (`path`) to the account, depth first; the
// directory itself is done by the caller.
Status chown_below(int fd, const std::string& path, TakeOver& t, int depth) {
  if (depth > kMaxDepth) return Error{"mail_root: " + path + ": more than " + std::to_string(kMaxDepth) + " levels deep"};
  int dup_fd = ::dup(fd);
  DIR* d = dup_fd < 0 ? nullptr : ::fdopendir(dup_fd);
  if (!d) {
    if (dup_fd >= 0) ::close(dup_fd);
    return sys_error("opendir", path, errno);
  }
  Status result = Status::ok();
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name, sub = path + "/" + name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      result = sys_error("stat", sub, errno);
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      int child = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        result = sys_error("open", sub, errno);
        break;
      }
      result = chown_below(child, sub, t, depth + 1);
      ::close(child);
      if (!result) break;
    } else if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
      ++t.skipped;  // a hard link to a file elsewhere must not change owner
      continue;
    }
    if (st.st_uid == t.account.uid && st.st_gid == t.account.gid) continue;
    if (::fchownat(fd, name.c_str(), t.account.uid, t.account.gid, AT_SYMLINK_NOFOLLOW) != 0) {
      result = sys_error("chown", sub, errno);
      break;
    }
    ++t.changed;
  }
  ::closedir(d);
  return result;
}

Status prepare_owned_dir(const std::string& dir, const Account& a, const Logger& log) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return sys_error("stat", dir, errno);
    if (Status s = make_dirs(dir, 0700); !s) return s;
    if (::chown(dir.c_str(), a.uid, a.gid) != 0) return sys_error("chown", dir, errno);
    return Status::ok();
  }
  if (!S_ISDIR(st.st_mode)) return Error{"mail_root: " + dir + " exists and is not a directory"};
  if (st.st_uid == a.uid) return Status::ok();  // taken over before: trees are not walked at every start
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return sys_error("open", dir, errno);
  TakeOver t{a};
  Status s = chown_below(fd, dir, t, 0);
  // The top directory last: a crash in the middle leaves it foreign, so the next start redoes it.
  if (s && ::fchown(fd, a.uid, a.gid) != 0) s = sys_error("chown", dir, errno);
  ::close(fd);
  if (!s) return s;
  log.warning("mail_store_chowned").kv("dir", dir).kv("user", a.name).kv("entries", static_cast<unsigned long>(t.changed + 1))
      .kv("skipped_hard_links", static_cast<unsigned long>(t.skipped))
      .kv("previous_owner", static_cast<unsigned long>(st.st_uid));
  return Status::ok();
}

}  // namespace

Status prepare_mail_root(const MailRootLayout& layout, const Account& account, const Logger& log) {
  if (Status s = make_dirs(layout.mail_root, 0755); !s) return s;
  if (Status s = prepare_users_dir(layout.users_dir, account, log); !s) return s;
  for (const auto& dir : layout.owned_dirs)
    if (Status s = prepare_owned_dir(dir, account, log); !s) return s;
  return Status::ok();
}

Status check_mail_root_access(const MailRootLayout& layout, const Account& account) {
  auto check = [&](const std::string& path, int how, const char* need) -> Status {
    if (::access(path.c_str(), how) == 0) return Status::ok();
    if (errno == ENOENT && path != layout.mail_root) return Status::ok();  // made later, when needed
    return Error{"mail_root: user " + account.name + " (uid " + std::to_string(account.uid) + ") cannot " + need +
                 " " + path + ": " + std::strerror(errno) +
                 " (it and every directory above it need search permission for that user)"};
  };
  if (Status s = check(layout.mail_root, X_OK, "reach"); !s) return s;
  if (Status s = check(layout.users_dir, R_OK | X_OK, "read"); !s) return s;
  for (const auto& dir : layout.owned_dirs)
    if (Status s = check(dir, R_OK | W_OK | X_OK, "write"); !s) return s;
  return Status::ok();
}

}  // namespace hamail::mailsvc::daemon
