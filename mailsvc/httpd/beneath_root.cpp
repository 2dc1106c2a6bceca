#include "hamail/mailsvc/httpd/beneath_root.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hamail::mailsvc::httpd {

FdFile::~FdFile() { ::close(fd_); }

Result<BeneathRoot> BeneathRoot::open(const std::string& root) {
  int fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error{"document_root " + root + ": " + std::strerror(errno)};
  return BeneathRoot(fd);
}

BeneathRoot::BeneathRoot(BeneathRoot&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

BeneathRoot::~BeneathRoot() {
  if (fd_ >= 0) ::close(fd_);
}

BeneathRoot::Outcome BeneathRoot::open_file(const std::string& relative) const {
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const char* path = relative.empty() ? "." : relative.c_str();
  long fd = ::syscall(SYS_openat2, fd_, path, &how, sizeof how);
  Outcome out;
  if (fd < 0) {
    switch (errno) {
      case ENOENT:
      case ENOTDIR:
      case ENAMETOOLONG: out.error = OpenError::not_found; break;
      case EACCES:
      case EPERM: out.error = OpenError::forbidden; break;
      case EXDEV:
      case ELOOP: out.error = OpenError::escapes; break;
      default: out.error = OpenError::failed; break;
    }
    return out;
  }
  Opened o;
  o.file = std::make_shared<FdFile>(static_cast<int>(fd));
  if (::fstat(o.file->fd(), &o.st) != 0) return out;
  out.opened = std::move(o);
  return out;
}

}  // namespace hamail::mailsvc::httpd
