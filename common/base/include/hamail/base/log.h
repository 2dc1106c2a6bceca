// Structured logging: one logfmt line per record,
//   ts=2026-11-26T14:08:51.123Z level=info component=hacored event=node_lost node=node2
// to stderr (journald captures it) and optionally to a file. Records an operator
// watches carry an `event=` key so they can be filtered and streamed.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hamail {

enum class LogLevel { debug, info, warning, error };

std::string_view to_string(LogLevel level);

// Now, as "2026-11-26T14:08:51.123Z" (UTC, milliseconds): the ts of every record.
std::string utc_timestamp();

// Quotes a logfmt value when it holds spaces, quotes, '=' or control characters.
std::string logfmt_value(std::string_view value);

class Logger;

// One record being built; written when it goes out of scope.
class LogRecord {
 public:
  LogRecord(const Logger* logger, LogLevel level, std::string_view event);
  LogRecord(LogRecord&&) = delete;
  ~LogRecord();
  LogRecord& kv(std::string_view key, std::string_view value);
  LogRecord& kv(std::string_view key, const char* value) { return kv(key, std::string_view(value)); }
  LogRecord& kv(std::string_view key, const std::string& value) { return kv(key, std::string_view(value)); }
  LogRecord& kv(std::string_view key, long long value);
  LogRecord& kv(std::string_view key, int value) { return kv(key, static_cast<long long>(value)); }
  LogRecord& kv(std::string_view key, unsigned value) { return kv(key, static_cast<long long>(value)); }
  LogRecord& kv(std::string_view key, unsigned long value) { return kv(key, static_cast<long long>(value)); }
  LogRecord& kv(std::string_view key, long value) { return kv(key, static_cast<long long>(value)); }
  LogRecord& kv(std::string_view key, bool value) { return kv(key, std::string_view(value ? "true" : "false")); }
  LogRecord& kv(std::string_view key, double value);

 private:
  const Logger* logger_;
  std::string line_;
};

// Where log lines go. Owned by the daemon's loop; no global logger.
class Logger {
 public:
  explicit Logger(std::string component, LogLevel min_level = LogLevel::info);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Also append every record to this file (opened O_APPEND). Returns false and
  // leaves the file sink off when it cannot be opened.
  bool add_file(const std::string& path, std::string* error);
  void set_min_level(LogLevel level) { min_level_ = level; }
  void set_stderr(bool on) { to_stderr_ = on; }
  const std::string& component() const { return component_; }
  bool enabled(LogLevel level) const { return level >= min_level_; }

  LogRecord debug(std::string_view event = {}) const { return LogRecord(this, LogLevel::debug, event); }
  LogRecord info(std::string_view event = {}) const { return LogRecord(this, LogLevel::info, event); }
  LogRecord warning(std::string_view event = {}) const { return LogRecord(this, LogLevel::warning, event); }
  LogRecord error(std::string_view event = {}) const { return LogRecord(this, LogLevel::error, event); }

  // Test hook: records are also handed to this sink.
  void set_capture(std::vector<std::string>* lines) { capture_ = lines; }

 private:
  friend class LogRecord;
  void write_line(const std::string& line) const;

  std::string component_;
  LogLevel min_level_;
  bool to_stderr_ = true;
  std::FILE* file_ = nullptr;
  std::vector<std::string>* capture_ = nullptr;
};

}  // namespace hamail
