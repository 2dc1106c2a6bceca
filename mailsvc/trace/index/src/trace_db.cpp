#include "hamail/mailsvc/traceindex/trace_db.h"

#include "trace_db_state.h"

namespace hamail::mailsvc::traceindex {
namespace {

constexpr const char* kSchema = R"(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS messages(
  queue_id TEXT PRIMARY KEY, message_id TEXT, sender TEXT, subject TEXT,
  status TEXT NOT NULL DEFAULT 'queued', first_ts TEXT NOT NULL, last_ts TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_message_id ON messages(message_id);
CREATE INDEX IF NOT EXISTS messages_sender ON messages(sender, first_ts);
CREATE INDEX IF NOT EXISTS messages_status ON messages(status, first_ts);
CREATE INDEX IF NOT EXISTS messages_first_ts ON messages(first_ts);
CREATE TABLE IF NOT EXISTS parties(
  queue_id TEXT NOT NULL, address TEXT NOT NULL, role TEXT NOT NULL,
  PRIMARY KEY(queue_id, role, address)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS parties_address ON parties(address, queue_id);
CREATE TABLE IF NOT EXISTS recipients(
  queue_id TEXT NOT NULL, address TEXT NOT NULL, state TEXT NOT NULL, ts TEXT NOT NULL,
  PRIMARY KEY(queue_id, address)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY, record_key TEXT NOT NULL UNIQUE, ts TEXT NOT NULL, node TEXT NOT NULL,
  component TEXT NOT NULL, kind TEXT NOT NULL, queue_id TEXT, recipient TEXT, status TEXT,
  mailbox_user TEXT, file_base TEXT, details TEXT);
CREATE INDEX IF NOT EXISTS events_queue_id ON events(queue_id, ts) WHERE queue_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_file ON events(file_base, mailbox_user) WHERE file_base IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_kind_ts ON events(kind, ts);
CREATE TABLE IF NOT EXISTS log_files(
  path TEXT PRIMARY KEY, node TEXT NOT NULL, inode INTEGER NOT NULL, offset INTEGER NOT NULL, line INTEGER NOT NULL);
)";

}  // namespace

TraceDb::TraceDb(std::unique_ptr<State> state) : s_(std::move(state)) {}
TraceDb::TraceDb(TraceDb&&) noexcept = default;
TraceDb& TraceDb::operator=(TraceDb&&) noexcept = default;
TraceDb::~TraceDb() = default;

Result<TraceDb> TraceDb::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return Error{db.error()};
  if (auto s = db->exec(kSchema); !s) return Error{path + ": " + s.message()};
  return prepare(std::move(*db), path);
}

Result<TraceDb> TraceDb::open_read_only(const std::string& path, int busy_ms) {
  auto db = Database::open_read_only(path, busy_ms);
  if (!db) return Error{db.error()};
  return prepare(std::move(*db), path);
}

Result<TraceDb> TraceDb::prepare(Database db, const std::string& path) {
  auto state = std::make_unique<State>();
  state->db = std::move(db);
  struct Prepared {
    Statement* target;
    const char* sql;
  };
  const Prepared all[] = {
      {&state->insert_event,
       "INSERT OR IGNORE INTO events(record_key, ts, node, component, kind, queue_id, recipient, status, "
       "mailbox_user, file_base, details) VALUES(?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), NULLIF(?7, ''), ?8, "
       "NULLIF(?9, ''), NULLIF(?10, ''), ?11)"},
      {&state->upsert_message,
       "INSERT INTO messages(queue_id, message_id, sender, subject, first_ts, last_ts) "
       "VALUES(?1, NULLIF(?2, ''), ?3, NULLIF(?4, ''), ?5, ?5) ON CONFLICT(queue_id) DO UPDATE SET "
       "message_id = COALESCE(messages.message_id, excluded.message_id), "
       "sender = COALESCE(messages.sender, excluded.sender), subject = COALESCE(messages.subject, excluded.subject), "
       "first_ts = min(messages.first_ts, excluded.first_ts), last_ts = max(messages.last_ts, excluded.last_ts)"},
      {&state->insert_party, "INSERT OR IGNORE INTO parties(queue_id, address, role) VALUES(?1, ?2, ?3)"},
      {&state->upsert_recipient,
       "INSERT INTO recipients(queue_id, address, state, ts) VALUES(?1, ?2, ?3, ?4) "
       "ON CONFLICT(queue_id, address) DO UPDATE SET state = excluded.state, ts = excluded.ts "
       "WHERE excluded.ts >= recipients.ts"},
      {&state->set_final_status, "UPDATE messages SET status = ?2 WHERE queue_id = ?1"},
      {&state->recipient_states, "SELECT state FROM recipients WHERE queue_id = ?1"},
      {&state->set_status,
       "UPDATE messages SET status = ?2 WHERE queue_id = ?1 AND status NOT IN ('rejected', 'deleted')"},
      {&state->upsert_file,
       "INSERT INTO log_files(path, node, inode, offset, line) VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(path) "
       "DO UPDATE SET node = excluded.node, inode = excluded.inode, offset = excluded.offset, line = excluded.line"},
      {&state->get_file, "SELECT inode, offset, line FROM log_files WHERE path = ?1"},
      {&state->parties, "SELECT address FROM parties WHERE queue_id = ?1 AND role = 'to' ORDER BY address"},
      // The message's own events, and the retrievals of the Maildir files it was delivered as.
      {&state->timeline,
       "SELECT id, ts, node, kind, recipient, status, details FROM events WHERE queue_id = ?1 "
       "UNION SELECT r.id, r.ts, r.node, r.kind, r.recipient, r.status, r.details FROM events d "
       "JOIN events r ON r.file_base = d.file_base AND r.mailbox_user = d.mailbox_user AND r.queue_id IS NULL "
       "WHERE d.queue_id = ?1 AND d.kind = 'delivered' AND d.file_base IS NOT NULL"},
  };
  for (const auto& p : all) {
    auto st = state->db.prepare(p.sql);
    if (!st) return Error{path + ": " + st.error()};
    *p.target = std::move(*st);
  }
  return TraceDb(std::move(state));
}

Result<std::optional<FilePosition>> TraceDb::position(const std::string& path) {
  Statement& st = s_->get_file;
  st.bind(1, path);
  auto row = st.step();
  if (!row) {
    st.reset();
    return Error{row.error()};
  }
  std::optional<FilePosition> pos;
  if (*row) {
    pos = FilePosition{static_cast<std::uint64_t>(st.integer(0)), static_cast<std::uint64_t>(st.integer(1)),
                       static_cast<std::uint64_t>(st.integer(2))};
  }
  st.reset();
  return pos;
}

}  // namespace hamail::mailsvc::traceindex
