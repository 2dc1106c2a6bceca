#include "hamail/drbdlite/nbd/file_backend.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "hamail/drbdlite/nbd/protocol.h"

namespace hamail::drbdlite::nbd {
namespace {

std::uint32_t nbd_errno_for(int err) {
  switch (err) {
    case ENOSPC:
    case EDQUOT: return kEnospc;
    case EPERM:
    case EACCES:
    case EROFS: return kEperm;
    case ENOMEM: return kEnomem;
    default: return kEio;
  }
}

}  // namespace

Result<std::unique_ptr<FileBackend>> FileBackend::open(const std::string& path, bool read_only) {
  int fd = ::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open '" + path + "': " + std::strerror(errno)};
  off_t end = ::lseek(fd, 0, SEEK_END);  // works for regular files and block devices
  if (end < 0) {
    int err = errno;
    ::close(fd);
    return Error{"cannot size '" + path + "': " + std::strerror(err)};
  }
  return std::unique_ptr<FileBackend>(new FileBackend(fd, path, static_cast<std::uint64_t>(end)));
}

FileBackend::~FileBackend() { ::close(fd_); }

Status FileBackend::accepting_io() const { return refusal_; }

std::string FileBackend::where(const char* op, std::uint64_t off, std::uint64_t len) const {
  return std::string(op) + " of " + std::to_string(len) + " bytes at " + std::to_string(off) + " in '" + path_ + "'";
}

void FileBackend::read(std::uint64_t off, std::uint32_t len, ReadDone done) {
  std::string buf(len, '\0');
  std::size_t got = 0;
  while (got < len) {  // each pass makes progress or ends the loop
    ssize_t n = ::pread(fd_, buf.data() + got, len - got, static_cast<off_t>(off + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      return done(Error{io_error(nbd_errno_for(err), where("read", off, len) + ": " + std::strerror(err)).message()});
    }
    if (n == 0) break;  // the file shrank under us: the rest reads as zeroes
    got += static_cast<std::size_t>(n);
  }
  done(std::move(buf));
}

Status FileBackend::pwrite_all(std::uint64_t off, const char* data, std::size_t len) {
  std::size_t put = 0;
  while (put < len) {
    ssize_t n = ::pwrite(fd_, data + put, len - put, static_cast<off_t>(off + put));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      return io_error(nbd_errno_for(err), where("write", off, len) + ": " + std::strerror(err));
    }
    put += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Status FileBackend::sync() {
  if (::fdatasync(fd_) != 0) {
    int err = errno;
    return io_error(nbd_errno_for(err), "fdatasync '" + path_ + "': " + std::strerror(err));
  }
  return Status::ok();
}

void FileBackend::write(std::uint64_t off, std::string data, bool fua, Done done) {
  Status st = pwrite_all(off, data.data(), data.size());
  if (st && fua) st = sync();
  done(std::move(st));
}

void FileBackend::flush(Done done) { done(sync()); }

void FileBackend::trim(std::uint64_t off, std::uint32_t len, Done done) {
  if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(off), len) != 0) {
    int err = errno;
    // Trim is advisory: a file system or device without hole punching ignores it.
    if (err != EOPNOTSUPP && err != ENOTSUP && err != ENODEV) {
      return done(io_error(nbd_errno_for(err), where("trim", off, len) + ": " + std::strerror(err)));
    }
  }
  done(Status::ok());
}

void FileBackend::write_zeroes(std::uint64_t off, std::uint32_t len, bool may_punch, bool fua, Done done) {
  Status st;
  bool zeroed = false;
  if (may_punch &&
      ::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(off), len) == 0) {
    zeroed = true;
  }
  if (!zeroed && ::fallocate(fd_, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(off), len) == 0) {
    zeroed = true;
  }
  if (!zeroed) {  // no fallocate support: write zeroes in bounded chunks
    const std::string zeroes(std::min<std::uint32_t>(len, 1u << 20), '\0');
    for (std::uint64_t done_bytes = 0; done_bytes < len && st;) {
      std::size_t n = std::min<std::uint64_t>(zeroes.size(), len - done_bytes);
      st = pwrite_all(off + done_bytes, zeroes.data(), n);
      done_bytes += n;
    }
  }
  if (st && fua) st = sync();
  done(std::move(st));
}

}  // namespace hamail::drbdlite::nbd
