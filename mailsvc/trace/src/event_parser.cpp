#include "hamail/mailsvc/trace/event_parser.h"

#include <cstdint>
#include <cstdio>

#include "hamail/base/log.h"
#include "hamail/mailsvc/trace/logfmt.h"

namespace hamail::mailsvc::trace {
namespace {

// The record's event name -> its kind, for the components whose records a trace reads.
std::optional<EventKind> kind_of(std::string_view component, std::string_view event, std::string_view status) {
  if (component == "smtpd") {
    if (event == "queued") return EventKind::received;
    if (event == "too_many_hops" || event == "sender_rejected" || event == "recipient_rejected" ||
        event == "queue_full" || event == "queue_failed" || event == "routing_failed" || event == "message_rejected")
      return EventKind::rejected;
    if (event == "queue_recovered") return EventKind::requeued;
    if (event == "delivered" || event == "delivery_already_done") return EventKind::delivered;
    if (event == "deferred") return EventKind::deferred;
    if (event == "delivery_failed") return status == "failed" ? EventKind::failed : EventKind::deferred;
    if (event == "bounce_suppressed" || event == "bounce_failed") return EventKind::failed;
    if (event == "expired") return EventKind::expired;
    if (event == "bounced") return EventKind::bounced;
    if (event == "queue_entry_gone") return EventKind::deleted;
    return std::nullopt;
  }
  if (component == "pop3d" || component == "imapd") {
    if (event == "message_read") return EventKind::retrieved;
    if (event == "message_deleted") return EventKind::removed;
  }
  return std::nullopt;
}

std::vector<std::string> split_addresses(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string a = normalize_address(list.substr(0, comma));
    if (!a.empty()) out.push_back(std::move(a));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

bool is_timestamp(std::string_view ts) {
  // 2026-11-26T14:08:51.123Z
  if (ts.size() < 20 || ts[4] != '-' || ts[7] != '-' || ts[10] != 'T' || ts[13] != ':' || ts[16] != ':') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
    if (ts[i] < '0' || ts[i] > '9') return false;
  return true;
}

}  // namespace

Result<std::optional<TraceEvent>> parse_trace_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto fields = parse_logfmt(line);
  if (!fields) return Error{"not a log record: " + fields.error()};
  if (fields->empty() || (*fields)[0].key != "ts") return Error{"not a log record: no ts= first"};
  if (!is_timestamp((*fields)[0].value)) return Error{"not a log record: bad ts " + (*fields)[0].value};
  TraceEvent e;
  std::string status;
  for (const auto& f : *fields) {
    if (f.key == "component") e.component = f.value;
    else if (f.key == "event") e.event = f.value;
    else if (f.key == "status") status = f.value;
  }
  auto kind = kind_of(e.component, e.event, status);
  if (!kind) return std::optional<TraceEvent>();
  e.kind = *kind;
  e.status = status;
  e.ts = (*fields)[0].value;
  for (const auto& f : *fields) {
    const std::string& k = f.key;
    if (k == "ts" || k == "level" || k == "component" || k == "event" || k == "status") continue;
    if (k == "queue_id") e.queue_id = f.value;
    else if (k == "message_id") e.message_id = normalize_message_id(f.value);
    else if (k == "from") e.sender = f.value == "<>" ? std::string() : normalize_address(f.value);
    else if (k == "to") e.recipients = split_addresses(f.value);
    else if (k == "subject") e.subject = f.value;
    else if (k == "user") e.mailbox_user = normalize_address(f.value);
    else {
      if (k == "file") e.file_base = f.value.substr(0, f.value.find(':'));
      if (!e.details.empty()) e.details += ' ';
      e.details += k + "=" + logfmt_value(f.value);
    }
  }
  // A local delivery names the Maildir file a later retrieval names: (user, file base) links them.
  if (e.kind == EventKind::delivered) {
    if (e.recipients.size() == 1 && !e.file_base.empty()) e.mailbox_user = e.recipients[0];
  } else if (e.kind != EventKind::retrieved && e.kind != EventKind::removed) {
    e.file_base.clear();
  }
  return std::optional<TraceEvent>(std::move(e));
}

std::string record_key(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : line) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  std::string_view ts = line.substr(0, line.find(' '));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string(ts) + "/" + hex;
}

}  // namespace hamail::mailsvc::trace
