// TraceDb's queries: find (search), show (one id), the timeline, the indicators.
#include "hamail/mailsvc/traceindex/trace_db.h"
#include "trace_db_state.h"

namespace hamail::mailsvc::traceindex {

using trace::MessageTrace;

Status TraceDb::load_timeline(MessageTrace& m) {
  auto read_rows = [](Statement& st, auto&& on_row) -> Status {
    for (;;) {
      auto row = st.step();
      if (!row) {
        st.reset();
        return Error{row.error()};
      }
      if (!*row) break;
      on_row(st);
    }
    st.reset();
    return Status::ok();
  };
  s_->parties.bind(1, m.queue_id);
  if (auto st = read_rows(s_->parties, [&](Statement& r) { m.recipients.push_back(r.text(0)); }); !st) return st;
  s_->timeline.bind(1, m.queue_id);
  auto st = read_rows(s_->timeline, [&](Statement& r) {
    auto kind = trace::event_kind_from_string(r.text(3));
    if (!kind) return;
    m.timeline.push_back({r.text(1), r.text(2), *kind, r.text(4), r.text(5), r.text(6), r.integer(0)});
  });
  if (!st) return st;
  trace::order_timeline(m.timeline);
  return Status::ok();
}

Result<std::vector<MessageTrace>> TraceDb::find(const trace::TraceQuery& q, const trace::Viewer& viewer) {
  std::string sql =
      "SELECT queue_id, COALESCE(message_id, ''), COALESCE(sender, ''), COALESCE(subject, ''), status, first_ts "
      "FROM messages m WHERE 1";
  std::vector<std::string> args;
  // " AND <before>?N<after>" with `value` bound as ?N, when a value is given.
  auto where = [&](const std::string& value, const char* before, const char* after = "") {
    if (value.empty()) return;
    args.push_back(value);
    sql += std::string(" AND ") + before + "?" + std::to_string(args.size()) + after;
  };
  where(q.message_id, "m.message_id = ");
  where(q.queue_id, "m.queue_id = ");
  where(q.from, "m.sender = ");
  where(q.to, "EXISTS (SELECT 1 FROM parties p WHERE p.queue_id = m.queue_id AND p.role = 'to' AND p.address = ", ")");
  where(q.subject, "instr(lower(m.subject), ", ") > 0");
  where(q.status, "m.status = ");
  where(q.since, "m.first_ts >= ");
  where(q.until, "m.first_ts < ");
  if (!viewer.admin) {
    args.push_back(viewer.address);
    std::string n = "?" + std::to_string(args.size());
    sql += " AND (m.sender = " + n + " OR EXISTS (SELECT 1 FROM parties p WHERE p.queue_id = m.queue_id AND "
           "p.role = 'to' AND p.address = " + n + "))";
  }
  std::size_t limit = q.limit == 0 || q.limit > trace::kMaxQueryLimit ? trace::kMaxQueryLimit : q.limit;
  sql += q.newest_first ? " ORDER BY m.first_ts DESC, m.queue_id DESC" : " ORDER BY m.first_ts, m.queue_id";
  sql += " LIMIT " + std::to_string(limit);
  auto st = s_->db.prepare(sql);
  if (!st) return Error{st.error()};
  for (std::size_t i = 0; i < args.size(); ++i) st->bind(static_cast<int>(i + 1), args[i]);
  std::vector<MessageTrace> out;
  for (;;) {
    auto row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    MessageTrace m;
    m.queue_id = st->text(0);
    m.message_id = st->text(1);
    m.sender = st->text(2);
    m.subject = st->text(3);
    m.status = st->text(4);
    m.first_ts = st->text(5);
    out.push_back(std::move(m));
  }
  std::vector<MessageTrace> visible;
  for (auto& m : out) {
    if (auto s = load_timeline(m); !s) return Error{s.message()};
    if (trace::may_see(viewer, m.sender, m.recipients)) visible.push_back(std::move(m));
  }
  return visible;
}

Result<std::vector<MessageTrace>> TraceDb::show(const std::string& id, const trace::Viewer& viewer) {
  if (id.empty()) return std::vector<MessageTrace>{};
  trace::TraceQuery q;
  if (id.find('@') != std::string::npos || id.front() == '<') q.message_id = trace::normalize_message_id(id);
  else q.queue_id = id;
  return find(q, viewer);
}

Result<std::vector<HourCounts>> TraceDb::hourly_counts(const std::string& since, const std::string& until) {
  auto st = s_->db.prepare(
      "SELECT substr(ts, 1, 13), kind, count(*) FROM events WHERE kind IN ('received', 'rejected', 'deferred', "
      "'bounced') AND ts >= ?1 AND ts < ?2 GROUP BY 1, 2 ORDER BY 1");
  if (!st) return Error{st.error()};
  st->bind(1, since).bind(2, until.empty() ? std::string("~") : until);
  std::vector<HourCounts> out;
  for (;;) {
    auto row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) break;
    std::string hour = st->text(0), kind = st->text(1);
    if (out.empty() || out.back().hour != hour) out.push_back(HourCounts{hour});
    HourCounts& h = out.back();
    std::int64_t n = st->integer(2);
    if (kind == "received") h.received = n;
    else if (kind == "rejected") h.rejected = n;
    else if (kind == "deferred") h.deferred = n;
    else h.bounced = n;
  }
  return out;
}

Result<std::int64_t> TraceDb::queue_size() {
  auto st = s_->db.prepare("SELECT count(*) FROM messages WHERE status IN ('queued', 'deferred')");
  if (!st) return Error{st.error()};
  auto row = st->step();
  if (!row) return Error{row.error()};
  return st->integer(0);
}

}  // namespace hamail::mailsvc::traceindex
