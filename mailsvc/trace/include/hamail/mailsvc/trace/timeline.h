// A message's trace as the queries give it: the message (ids, sender, recipients, status)
// and its steps across both nodes in order, with the rules that order and summarise them.
#pragma once

#include <string>
#include <vector>

#include "hamail/mailsvc/trace/trace_event.h"

namespace hamail::mailsvc::trace {

struct TimelineEntry {
  std::string ts;
  std::string node;
  EventKind kind = EventKind::received;
  std::string recipient;  // the recipient or mailbox user the step is about, if one
  std::string status;
  std::string details;    // logfmt: relay, reply, client, tls, ...
  long long seq = 0;      // ingestion order: the last tie-break
};

struct MessageTrace {
  std::string queue_id;
  std::string message_id;
  std::string sender;
  std::string subject;
  std::string status;
  std::string first_ts;
  std::vector<std::string> recipients;
  std::vector<TimelineEntry> timeline;
};

// Time, then the step's place in a message's life (received before delivered before
// retrieved within one millisecond), then ingestion order.
void order_timeline(std::vector<TimelineEntry>& entries);

// The message's status from its recipients' last delivery states: "queued" (none yet),
// "deferred" (some still to go), "delivered" (all), "bounced" (none delivered, some failed),
// "partly_bounced".
std::string message_status(const std::vector<std::string>& recipient_states);

// Human-readable, one line per step (mailsvc-trace show).
std::string format_trace(const MessageTrace& trace);

}  // namespace hamail::mailsvc::trace
