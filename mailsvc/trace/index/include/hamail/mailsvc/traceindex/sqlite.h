// A thin RAII layer over SQLite's C API for the trace index: a connection and prepared
// statements with bound parameters; every failure an error value naming the statement.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hamail::mailsvc::traceindex {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt, &finalize) {}

  // Parameters are numbered from 1; an empty optional text binds NULL.
  Statement& bind(int index, std::string_view text);
  Statement& bind_null(int index);
  Statement& bind(int index, std::int64_t value);
  // Result<bool>: true = a row is ready (read it with text/integer), false = done.
  Result<bool> step();
  // Runs to the end (a statement without rows), then resets.
  Status run();
  void reset();
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  static void finalize(sqlite3_stmt* stmt);
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, void (*)(sqlite3_stmt*)> stmt_{nullptr, &finalize};
};

class Database {
 public:
  // Opens (creating) the file; a busy database is waited for up to 5 s.
  static Result<Database> open(const std::string& path);
  // Opens an existing file for reading only (the web page), waiting up to `busy_ms` for a lock.
  static Result<Database> open_read_only(const std::string& path, int busy_ms);
  Status exec(const std::string& sql);
  Result<Statement> prepare(std::string_view sql);
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;

 private:
  static void close(sqlite3* db);
  std::unique_ptr<sqlite3, void (*)(sqlite3*)> db_{nullptr, &close};
};

}  // namespace hamail::mailsvc::traceindex
