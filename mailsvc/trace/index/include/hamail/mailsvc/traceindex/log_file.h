// Reading a growing log file line by line from where the index left it: a different inode
// (rotated) or a shorter file (truncated) starts again from the top; only complete lines
// are handed out, in bounded batches; a line over kMaxLine bytes is skipped with an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/traceindex/trace_db.h"

namespace hamail::mailsvc::traceindex {

inline constexpr std::size_t kMaxLine = 64 * 1024;

struct LogLine {
  std::uint64_t number = 0;  // from 1
  std::string text;          // without its '\n'
};

struct LogBatch {
  std::vector<LogLine> lines;
  FilePosition end;                 // just after the last line handed out
  std::vector<std::string> errors;  // "line N: ..." (overlong lines)
};

class LogFile {
 public:
  // Opens `path` (read only) and places the reader at `saved` when it is still valid.
  static Result<LogFile> open(const std::string& path, const std::optional<FilePosition>& saved);
  LogFile(LogFile&& other) noexcept;
  LogFile& operator=(LogFile&&) = delete;
  ~LogFile();

  // True when `saved` was for another file or past this file's end (rotated, truncated).
  bool restarted() const { return restarted_; }
  // Up to `max_lines` complete lines; none = nothing new (yet).
  Result<LogBatch> next(std::size_t max_lines);

 private:
  LogFile(int fd, std::string path, FilePosition start, bool restarted);
  int fd_ = -1;
  std::string path_;
  FilePosition pos_;       // what has been handed out
  std::string buffer_;     // bytes read; buffer_[head_] is at pos_.offset
  std::size_t head_ = 0;
  bool skipping_ = false;  // inside an overlong line
  bool restarted_ = false;
};

}  // namespace hamail::mailsvc::traceindex
