#include "hamail/mailsvc/store/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace hamail::mailsvc::store {

Error sys_error(const std::string& what, const std::string& path, int err) {
  return Error{what + " " + path + ": " + std::strerror(err)};
}

namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

int open_retry(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do fd = ::open(path, flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  return fd;
}

// tmp + (fsync when sync_data) + rename; the directory is never fsynced here.
Status replace_file_impl(const std::string& path, const std::string& contents, mode_t mode, bool sync_data);

}  // namespace

Status fsync_directory(const std::string& dir) {
  int fd = open_retry(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return sys_error("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return sys_error("fsync directory", dir, err);
  return Status::ok();
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 || errno != ENOENT;
}

Status make_directory(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) == 0) return Status::ok();
  int err = errno;
  struct stat st {};
  if (err == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::ok();
  if (err == EEXIST) return Error{"mkdir " + path + ": exists and is not a directory"};
  return sys_error("mkdir", path, err);
}

Result<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes) {
  int fd = open_retry(path.c_str(), O_RDONLY);
  if (fd < 0) return sys_error("open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return sys_error("stat", path, err);
  }
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    ::close(fd);
    return Error{"read " + path + ": file is " + std::to_string(st.st_size) +
                 " bytes, more than the limit of " + std::to_string(max_bytes)};
  }
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  // Read at most max_bytes + 1 so a file that grew after fstat is still caught.
  while (true) {
    if (got == out.size()) {
      if (out.size() > max_bytes) break;
      out.resize(std::min(max_bytes + 1, out.size() + 4096));
    }
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return sys_error("read", path, err);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got > max_bytes) {
    return Error{"read " + path + ": file is more than the limit of " + std::to_string(max_bytes) + " bytes"};
  }
  out.resize(got);
  return out;
}

Status for_each_name(const std::string& dir, bool missing_ok, const std::function<void(std::string_view)>& fn) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT && missing_ok) return Status::ok();
    return sys_error("open directory", dir, errno);
  }
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") fn(n);
    errno = 0;
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return sys_error("read directory", dir, err);
  return Status::ok();
}

Status write_all(int fd, std::string_view data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("write", path, errno);
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Status replace_file_atomically(const std::string& path, const std::string& contents, mode_t mode) {
  if (Status s = replace_file(path, contents, mode); !s) return s;
  return fsync_directory(dir_of(path));
}

Status replace_file(const std::string& path, const std::string& contents, mode_t mode) {
  return replace_file_impl(path, contents, mode, true);
}

Status replace_file_unsynced(const std::string& path, const std::string& contents, mode_t mode) {
  return replace_file_impl(path, contents, mode, false);
}

namespace {

Status replace_file_impl(const std::string& path, const std::string& contents, mode_t mode, bool sync_data) {
  std::random_device rd;
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = open_retry(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return sys_error("create", tmp, errno);
  auto fail = [&](Error e) -> Status {
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  // The umask may have narrowed the mode at open(); set it exactly.
  if (::fchmod(fd, mode) != 0) return fail(sys_error("chmod", tmp, errno));
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0) {
    // Keep the owner and group of the file we replace (ignored when not permitted).
    if (::fchown(fd, old.st_uid, old.st_gid) != 0) (void)!::fchown(fd, static_cast<uid_t>(-1), old.st_gid);
    if (::fchmod(fd, mode) != 0) return fail(sys_error("chmod", tmp, errno));
  } else if (struct stat dir {}; ::stat(dir_of(path).c_str(), &dir) == 0 && dir.st_gid != ::getegid()) {
    // A new file takes its directory's group (when permitted), so mailsvc-admin run as
    // root writes a user db the mail daemons' group can read.
    if (::fchown(fd, static_cast<uid_t>(-1), dir.st_gid) == 0 && ::fchmod(fd, mode) != 0)
      return fail(sys_error("chmod", tmp, errno));
  }
  if (Status s = write_all(fd, contents, tmp); !s) return fail(Error{s.message()});
  if (sync_data && ::fsync(fd) != 0) return fail(sys_error("fsync", tmp, errno));
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return sys_error("close", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return sys_error("rename " + tmp + " to", path, err);
  }
  return Status::ok();
}

}  // namespace

}  // namespace hamail::mailsvc::store
