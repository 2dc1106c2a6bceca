// One step of a message's way through the mail daemons, as read from one log record:
// its kind, the message it belongs to (queue id, Message-ID) and what the record says.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::trace {

// The steps a timeline shows, in the order they happen to one message.
enum class EventKind {
  received,   // smtpd accepted and queued it (event=queued): from, to, client, tls, auth
  rejected,   // smtpd refused it or could not queue it (too_many_hops, queue_full, ...)
  requeued,   // found in the queue when smtpd started (queue_recovered)
  deferred,   // an attempt for one recipient failed temporarily (remote reply or local error)
  delivered,  // into a local Maildir (relay=local) or accepted by the remote MTA
  failed,     // an attempt failed permanently (a bounce follows)
  expired,    // not delivered within the queue lifetime (a bounce follows)
  bounced,    // a DSN went to the sender (bounce_id = the DSN's queue id)
  deleted,    // removed from the queue by an operator (queue_entry_gone)
  retrieved,  // read by the mailbox's user (POP3 RETR)
  removed,    // deleted by the mailbox's user (POP3 DELE + QUIT)
};

std::string_view to_string(EventKind kind);
std::optional<EventKind> event_kind_from_string(std::string_view name);
// Where a kind sorts among events of the same millisecond.
int kind_rank(EventKind kind);

struct TraceEvent {
  std::string ts;         // "2026-11-26T14:08:51.123Z", as logged
  std::string component;  // smtpd, pop3d, imapd
  std::string event;      // the record's event= name
  EventKind kind = EventKind::received;
  std::string queue_id;    // empty for records about a mailbox file (retrieved, removed)
  std::string message_id;  // "<...>", empty when unknown ("-" in the log)
  std::optional<std::string> sender;  // lower-cased; "" = the null sender <>; none: not logged
  std::vector<std::string> recipients;  // lower-cased: `to` (a list for received)
  std::string status;       // the record's status= (delivered, deferred, ...)
  std::string subject;      // when the record carries one
  std::string mailbox_user; // whose Maildir: the local recipient, or the POP3/IMAP user
  std::string file_base;    // the Maildir file's base name (before ':'), linking retrievals
  std::string details;      // the other fields as logfmt (relay, reply, client, tls, ...)
};

// Lower-cases an address; "<>" and "<a@b>" lose their brackets.
std::string normalize_address(std::string_view address);
// "<id@host>" as logged; "-" and "" give "".
std::string normalize_message_id(std::string_view id);

}  // namespace hamail::mailsvc::trace
