#include "hamail/mailsvc/traceindex/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hamail::mailsvc::traceindex {
namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

LogFile::LogFile(int fd, std::string path, FilePosition start, bool restarted)
    : fd_(fd), path_(std::move(path)), pos_(start), restarted_(restarted) {}

LogFile::LogFile(LogFile&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), pos_(o.pos_), buffer_(std::move(o.buffer_)), skipping_(o.skipping_),
      restarted_(o.restarted_) {
  o.fd_ = -1;
}

LogFile::~LogFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<LogFile> LogFile::open(const std::string& path, const std::optional<FilePosition>& saved) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Error{path + ": " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Error{path + ": " + std::strerror(e)};
  }
  FilePosition start{static_cast<std::uint64_t>(st.st_ino), 0, 0};
  bool restarted = false;
  if (saved) {
    if (saved->inode == start.inode && saved->offset <= static_cast<std::uint64_t>(st.st_size)) start = *saved;
    else restarted = true;
  }
  return LogFile(fd, path, start, restarted);
}

Result<LogBatch> LogFile::next(std::size_t max_lines) {
  LogBatch batch;
  bool eof = false;
  while (batch.lines.size() < max_lines) {
    auto nl = buffer_.find('\n', head_);
    if (nl == std::string::npos) {
      buffer_.erase(0, head_);  // keep only the unfinished line
      head_ = 0;
      if (buffer_.size() > kMaxLine && !skipping_) {  // an overlong line: drop what we hold, skip to its end
        batch.errors.push_back("line " + std::to_string(pos_.line + 1) + ": longer than " +
                               std::to_string(kMaxLine) + " bytes; skipped");
        skipping_ = true;
      }
      if (skipping_) {
        pos_.offset += buffer_.size();
        buffer_.clear();
      }
      if (eof) break;
      char chunk[kReadChunk];
      ssize_t n = ::pread(fd_, chunk, sizeof chunk, static_cast<off_t>(pos_.offset + buffer_.size()));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error{path_ + ": " + std::strerror(errno)};
      }
      if (n == 0) eof = true;
      buffer_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    pos_.offset += nl + 1 - head_;
    ++pos_.line;
    if (skipping_) {
      skipping_ = false;
    } else if (nl - head_ > kMaxLine) {
      batch.errors.push_back("line " + std::to_string(pos_.line) + ": longer than " + std::to_string(kMaxLine) +
                             " bytes; skipped");
    } else {
      batch.lines.push_back({pos_.line, buffer_.substr(head_, nl - head_)});
    }
    head_ = nl + 1;
  }
  batch.end = pos_;
  return batch;
}

}  // namespace hamail::mailsvc::traceindex
