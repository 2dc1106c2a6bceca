// The mail trace index on SQLite: messages (by queue id and Message-ID, sender, recipients,
// status), their events from both nodes, and how far each log file was read. Ingestion is
// idempotent (a record is keyed by its ts and line hash, whatever file or node it came
// from); queries give one ordered timeline per message, filtered by the access rule.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/trace/access_rule.h"
#include "hamail/mailsvc/trace/timeline.h"
#include "hamail/mailsvc/trace/trace_event.h"
#include "hamail/mailsvc/trace/trace_query.h"
#include "hamail/mailsvc/traceindex/sqlite.h"

namespace hamail::mailsvc::traceindex {

// Where reading a log file stopped: its inode (a new one = rotated), the byte offset just
// after the last complete line read, and that line's number (for error messages).
struct FilePosition {
  std::uint64_t inode = 0;
  std::uint64_t offset = 0;
  std::uint64_t line = 0;
};

struct KeyedEvent {
  std::string key;  // trace::record_key(line)
  trace::TraceEvent event;
};

// Indicators for one UTC hour ("2026-12-05T14").
struct HourCounts {
  std::string hour;
  std::int64_t received = 0, rejected = 0, deferred = 0, bounced = 0;
};

class TraceDb {
 public:
  // Opens or creates the index (WAL journal: readers never wait for the indexer).
  static Result<TraceDb> open(const std::string& path);
  // An existing index for queries only (find, show, hourly_counts, queue_size): the web
  // page's connection; a lock held by the indexer is waited for up to `busy_ms`.
  static Result<TraceDb> open_read_only(const std::string& path, int busy_ms);
  TraceDb(TraceDb&&) noexcept;
  TraceDb& operator=(TraceDb&&) noexcept;
  ~TraceDb();

  // Where `path` was left; nullopt: never read.
  Result<std::optional<FilePosition>> position(const std::string& path);
  // One transaction: `events` read from `path` on `node` (those already indexed are skipped)
  // and the file's new position. Returns how many events were new.
  Result<std::size_t> ingest(const std::string& node, const std::vector<KeyedEvent>& events, const std::string& path,
                             const FilePosition& position);

  // Messages matching `query` that `viewer` may see, oldest first, each with its timeline.
  Result<std::vector<trace::MessageTrace>> find(const trace::TraceQuery& query, const trace::Viewer& viewer);
  // `id`: a queue id, or a Message-ID (with '@'; brackets optional).
  Result<std::vector<trace::MessageTrace>> show(const std::string& id, const trace::Viewer& viewer);
  // Per hour in [since, until) (timestamp prefixes; empty = unbounded).
  Result<std::vector<HourCounts>> hourly_counts(const std::string& since, const std::string& until);
  // Messages still to be delivered (queued or deferred).
  Result<std::int64_t> queue_size();

  struct State;  // the connection and statements (src/trace_db_state.h)

 private:
  explicit TraceDb(std::unique_ptr<State> state);
  static Result<TraceDb> prepare(Database db, const std::string& path);
  Status load_timeline(trace::MessageTrace& m);
  std::unique_ptr<State> s_;
};

}  // namespace hamail::mailsvc::traceindex
