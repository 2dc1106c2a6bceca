// TraceDb::ingest: one batch of events and the file position, in one transaction.
#include <set>

#include "hamail/mailsvc/traceindex/trace_db.h"
#include "trace_db_state.h"

namespace hamail::mailsvc::traceindex {
namespace {

using trace::EventKind;

// The kinds that set a recipient's delivery state.
bool is_delivery_state(EventKind k) {
  return k == EventKind::deferred || k == EventKind::delivered || k == EventKind::failed ||
         k == EventKind::expired || k == EventKind::bounced;
}

Status add_event(TraceDb::State& s, const std::string& node, const KeyedEvent& ke, bool& added,
                 std::set<std::string>& touched) {
  const trace::TraceEvent& e = ke.event;
  const std::string kind(to_string(e.kind));
  std::string recipient = e.recipients.size() == 1 ? e.recipients[0] : e.mailbox_user;
  s.insert_event.bind(1, ke.key).bind(2, e.ts).bind(3, node).bind(4, e.component).bind(5, kind).bind(6, e.queue_id)
      .bind(7, recipient).bind(8, e.status).bind(9, e.mailbox_user).bind(10, e.file_base).bind(11, e.details);
  if (auto st = s.insert_event.run(); !st) return st;
  added = s.db.changes() > 0;
  if (!added || e.queue_id.empty()) return Status::ok();

  s.upsert_message.bind(1, e.queue_id).bind(2, e.message_id).bind(4, e.subject).bind(5, e.ts);
  if (e.sender) s.upsert_message.bind(3, *e.sender);
  else s.upsert_message.bind_null(3);
  if (auto st = s.upsert_message.run(); !st) return st;
  auto party = [&](const std::string& address, const char* role) {
    s.insert_party.bind(1, e.queue_id).bind(2, address).bind(3, role);
    return s.insert_party.run();
  };
  if (e.sender && !e.sender->empty())
    if (auto st = party(*e.sender, "from"); !st) return st;
  for (const auto& r : e.recipients)
    if (auto st = party(r, "to"); !st) return st;

  if (e.kind == EventKind::rejected || e.kind == EventKind::deleted) {
    s.set_final_status.bind(1, e.queue_id).bind(2, kind);
    return s.set_final_status.run();
  }
  if (is_delivery_state(e.kind) && e.recipients.size() == 1) {
    s.upsert_recipient.bind(1, e.queue_id).bind(2, e.recipients[0]).bind(3, kind).bind(4, e.ts);
    if (auto st = s.upsert_recipient.run(); !st) return st;
  }
  touched.insert(e.queue_id);
  return Status::ok();
}

Status update_status(TraceDb::State& s, const std::string& queue_id) {
  std::vector<std::string> states;
  s.recipient_states.bind(1, queue_id);
  for (;;) {
    auto row = s.recipient_states.step();
    if (!row) {
      s.recipient_states.reset();
      return Error{row.error()};
    }
    if (!*row) break;
    states.push_back(s.recipient_states.text(0));
  }
  s.recipient_states.reset();
  s.set_status.bind(1, queue_id).bind(2, trace::message_status(states));
  return s.set_status.run();
}

}  // namespace

Result<std::size_t> TraceDb::ingest(const std::string& node, const std::vector<KeyedEvent>& events,
                                    const std::string& path, const FilePosition& position) {
  if (auto st = s_->db.exec("BEGIN IMMEDIATE"); !st) return Error{st.message()};
  auto fail = [&](const Status& st) -> Result<std::size_t> {
    (void)s_->db.exec("ROLLBACK");
    return Error{st.message()};
  };
  std::size_t added = 0;
  std::set<std::string> touched;
  for (const auto& e : events) {
    bool was_new = false;
    if (auto st = add_event(*s_, node, e, was_new, touched); !st) return fail(st);
    added += was_new ? 1 : 0;
  }
  for (const auto& id : touched)
    if (auto st = update_status(*s_, id); !st) return fail(st);
  if (!path.empty()) {
    s_->upsert_file.bind(1, path).bind(2, node).bind(3, static_cast<std::int64_t>(position.inode))
        .bind(4, static_cast<std::int64_t>(position.offset)).bind(5, static_cast<std::int64_t>(position.line));
    if (auto st = s_->upsert_file.run(); !st) return fail(st);
  }
  if (auto st = s_->db.exec("COMMIT"); !st) return fail(st);
  return added;
}

}  // namespace hamail::mailsvc::traceindex
