#include "hamail/mailsvc/store/delivery.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "hamail/mailsvc/store/fs.h"
#include "hamail/mailsvc/store/maildir_name.h"

namespace hamail::mailsvc::store {

Delivery::Delivery(std::string maildir, std::string name, int fd)
    : maildir_(std::move(maildir)), name_(std::move(name)), fd_(fd) {}

Delivery::Delivery(Delivery&& o) noexcept
    : maildir_(std::move(o.maildir_)), name_(std::move(o.name_)), fd_(std::exchange(o.fd_, -1)), bytes_(o.bytes_) {}

Delivery& Delivery::operator=(Delivery&& o) noexcept {
  if (this != &o) {
    abort();
    maildir_ = std::move(o.maildir_);
    name_ = std::move(o.name_);
    fd_ = std::exchange(o.fd_, -1);
    bytes_ = o.bytes_;
  }
  return *this;
}

Delivery::~Delivery() { abort(); }

void Delivery::abort() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_path().c_str());
}

Status Delivery::write(std::string_view data) {
  if (fd_ < 0) return Error{"write " + tmp_path() + ": delivery already finished"};
  Status s = write_all(fd_, data, tmp_path());
  if (s) bytes_ += data.size();
  return s;
}

Status Delivery::set_mtime(std::int64_t unix_seconds) {
  if (fd_ < 0) return Error{"set the time of " + tmp_path() + ": delivery already finished"};
  struct timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(unix_seconds), 0}};
  if (::futimens(fd_, times) != 0) return sys_error("set the time of", tmp_path(), errno);
  return Status::ok();
}

Result<std::string> Delivery::commit() { return commit_as("new", name_); }

Result<std::string> Delivery::commit_to_cur(std::string_view letters) {
  return commit_as("cur", join_name(name_, letters));
}

Result<std::string> Delivery::commit_as(const std::string& subdir, const std::string& name) {
  if (fd_ < 0) return Error{"commit " + tmp_path() + ": delivery already finished"};
  std::string tmp = tmp_path();
  std::string dest = maildir_ + "/" + subdir + "/" + name;
  if (::fsync(fd_) != 0) {
    Error e = sys_error("fsync", tmp, errno);
    abort();
    return e;
  }
  int rc = ::close(std::exchange(fd_, -1));
  if (rc != 0) {
    Error e = sys_error("close", tmp, errno);
    ::unlink(tmp.c_str());
    return e;
  }
  rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dest.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
    // File system without RENAME_NOREPLACE: link() also refuses to replace.
    rc = ::link(tmp.c_str(), dest.c_str());
    if (rc == 0) ::unlink(tmp.c_str());
  }
  if (rc != 0) {
    Error e = sys_error("rename " + tmp + " to", dest, errno);
    ::unlink(tmp.c_str());
    return e;
  }
  if (Status s = fsync_directory(maildir_ + "/" + subdir); !s) return Error{s.message()};
  return name;
}

}  // namespace hamail::mailsvc::store
