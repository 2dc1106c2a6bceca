// How the trace API's answers look (JSON): a page of messages, one message with its
// timeline (each step's logfmt details as an object), the hourly indicators.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/trace/timeline.h"

namespace hamail::mailsvc::traceweb {

struct HourIndicators {
  std::string hour;  // "2026-12-05T14"
  std::int64_t received = 0, rejected = 0, deferred = 0, bounced = 0;
};

struct Indicators {
  std::vector<HourIndicators> hours;  // oldest first
  std::int64_t queue_size = 0;        // queued or deferred now
};

// {queue_id, message_id, from, to: [...], subject, status, received}
nlohmann::json message_summary_json(const trace::MessageTrace& m);
// {"messages": [summary...], "truncated": bool}: at most `limit` of `found` (the reader
// was asked for one more, to know).
nlohmann::json message_page_json(const std::vector<trace::MessageTrace>& found, std::size_t limit);
// The summary + "timeline": [{ts, node, step, recipient, status, details: {key: value}}].
nlohmann::json message_trace_json(const trace::MessageTrace& m);
// {"hours": [{hour, received, rejected, deferred, bounced}], "queue_size": N}
nlohmann::json indicators_json(const Indicators& indicators);

}  // namespace hamail::mailsvc::traceweb
