#include "hamail/mailsvc/trace/timeline.h"

#include <algorithm>
#include <tuple>

namespace hamail::mailsvc::trace {

void order_timeline(std::vector<TimelineEntry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
    return std::make_tuple(std::string_view(a.ts), kind_rank(a.kind), a.seq) <
           std::make_tuple(std::string_view(b.ts), kind_rank(b.kind), b.seq);
  });
}

std::string message_status(const std::vector<std::string>& recipient_states) {
  if (recipient_states.empty()) return "queued";
  std::size_t delivered = 0, failed = 0, pending = 0;
  for (const auto& s : recipient_states) {
    if (s == "delivered") ++delivered;
    else if (s == "bounced" || s == "failed" || s == "expired") ++failed;
    else ++pending;
  }
  if (pending) return "deferred";
  if (failed == 0) return "delivered";
  return delivered ? "partly_bounced" : "bounced";
}

std::string format_trace(const MessageTrace& t) {
  std::string out = "queue_id " + t.queue_id + "  message_id " + (t.message_id.empty() ? "-" : t.message_id) +
                    "  status " + t.status + "\n";
  out += "  from <" + t.sender + ">  to ";
  for (std::size_t i = 0; i < t.recipients.size(); ++i) out += (i ? ", <" : "<") + t.recipients[i] + ">";
  out += "\n";
  if (!t.subject.empty()) out += "  subject " + t.subject + "\n";
  for (const auto& e : t.timeline) {
    out += "  " + e.ts + "  " + (e.node.empty() ? "-" : e.node) + "  " + std::string(to_string(e.kind));
    if (!e.recipient.empty()) out += "  <" + e.recipient + ">";
    if (!e.details.empty()) out += "  " + e.details;
    out += "\n";
  }
  return out;
}

}  // namespace hamail::mailsvc::trace
