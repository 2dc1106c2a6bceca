#include "hamail/mailsvc/trace/access_rule.h"

#include <algorithm>

#include "hamail/mailsvc/trace/trace_event.h"

namespace hamail::mailsvc::trace {

Viewer Viewer::user(std::string_view address) { return Viewer{normalize_address(address), false}; }

bool may_see(const Viewer& viewer, std::string_view sender, const std::vector<std::string>& recipients) {
  if (viewer.admin) return true;
  if (viewer.address.empty()) return false;
  if (sender == viewer.address) return true;
  return std::find(recipients.begin(), recipients.end(), viewer.address) != recipients.end();
}

}  // namespace hamail::mailsvc::trace
