#include "hamail/mailsvc/trace/trace_query.h"

#include <array>

namespace hamail::mailsvc::trace {

Status check_time_prefix(std::string_view v) {
  // Positions of digits and separators in "YYYY-MM-DDTHH:MM:SS"; the value may stop after
  // the day, hour, minute or second.
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  if (v.size() != 10 && v.size() != 13 && v.size() != 16 && v.size() != 19)
    return Error{"'" + std::string(v) + "': expected YYYY-MM-DD[THH[:MM[:SS]]] (UTC)"};
  for (std::size_t i = 0; i < v.size(); ++i) {
    bool ok = shape[i] == 'd' ? (v[i] >= '0' && v[i] <= '9') : v[i] == shape[i];
    if (!ok) return Error{"'" + std::string(v) + "': expected YYYY-MM-DD[THH[:MM[:SS]]] (UTC)"};
  }
  return Status::ok();
}

bool known_status(std::string_view status) {
  constexpr std::array<std::string_view, 7> kStatuses{"queued",  "deferred", "delivered", "bounced",
                                                      "partly_bounced", "rejected", "deleted"};
  for (auto s : kStatuses)
    if (s == status) return true;
  return false;
}

}  // namespace hamail::mailsvc::trace
