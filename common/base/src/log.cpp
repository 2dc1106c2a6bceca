#include "hamail/base/log.h"

#include <chrono>
#include <cstring>
#include <ctime>
#include <unistd.h>

namespace hamail {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "unknown";
}

std::string logfmt_value(std::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string utc_timestamp() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = system_clock::to_time_t(now);
  // The date and time of day change once a second: gmtime_r and snprintf only then (a
  // busy server writes thousands of lines a second).
  thread_local std::time_t formatted_second = -1;
  thread_local char seconds[32];
  if (t != formatted_second) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::snprintf(seconds, sizeof seconds, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    formatted_second = t;
  }
  std::string out;
  out.reserve(32);
  out += seconds;
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
  return out;
}

LogRecord::LogRecord(const Logger* logger, LogLevel level, std::string_view event) : logger_(logger) {
  if (!logger_->enabled(level)) {
    logger_ = nullptr;
    return;
  }
  line_.reserve(256);  // most lines fit: one allocation
  line_ += "ts=";
  line_ += utc_timestamp();
  line_ += " level=";
  line_ += to_string(level);
  line_ += " component=";
  line_ += logfmt_value(logger_->component());
  if (!event.empty()) {
    line_ += " event=";
    line_ += logfmt_value(event);
  }
}

LogRecord::~LogRecord() {
  if (logger_) logger_->write_line(line_);
}

LogRecord& LogRecord::kv(std::string_view key, std::string_view value) {
  if (logger_) {
    line_ += ' ';
    line_ += key;
    line_ += '=';
    line_ += logfmt_value(value);
  }
  return *this;
}

LogRecord& LogRecord::kv(std::string_view key, long long value) {
  if (!logger_) return *this;  // a line below the level: nothing to format
  return kv(key, std::to_string(value));
}

LogRecord& LogRecord::kv(std::string_view key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  return kv(key, std::string_view(buf));
}

Logger::Logger(std::string component, LogLevel min_level)
    : component_(std::move(component)), min_level_(min_level) {}

Logger::~Logger() {
  if (file_) std::fclose(file_);
}

bool Logger::add_file(const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (!f) {
    if (error) *error = "cannot open log file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (file_) std::fclose(file_);
  file_ = f;
  return true;
}

void Logger::write_line(const std::string& line) const {
  std::string out = line + '\n';
  if (to_stderr_) {
    // One write(2) per record so lines from several processes never interleave.
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, out.data(), out.size());
  }
  if (file_) {
    std::fwrite(out.data(), 1, out.size(), file_);
    std::fflush(file_);
  }
  if (capture_) capture_->push_back(line);
}

}  // namespace hamail
