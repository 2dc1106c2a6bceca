// What a search asks for (mailsvc-trace search, the web page): any of Message-ID, queue id,
// sender, recipient, subject, status and a time window [since, until) on the reception time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::trace {

struct TraceQuery {
  std::string message_id;  // "<...>" (normalize_message_id)
  std::string queue_id;
  std::string from;        // lower-cased
  std::string to;          // lower-cased
  std::string subject;     // lower-cased; a part of the subject (ASCII case ignored)
  std::string status;      // queued, deferred, delivered, bounced, partly_bounced, rejected, deleted
  std::string since;       // a timestamp prefix: "2026-12-05", "2026-12-05T10:00"
  std::string until;       // exclusive
  std::size_t limit = 100;
  bool newest_first = false;  // the web page's default: the latest `limit` messages, newest first
};

inline constexpr std::size_t kMaxQueryLimit = 10000;

// A --since/--until value: "YYYY-MM-DD[THH[:MM[:SS]]]" (UTC, as logged). Error: what is wrong.
Status check_time_prefix(std::string_view value);
// One of the statuses above.
bool known_status(std::string_view status);

}  // namespace hamail::mailsvc::trace
