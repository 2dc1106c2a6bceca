// Who may see which message's trace: a user sees mail to or from their own address, an
// admin sees all. The one rule both the query filter and its tests follow.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::trace {

struct Viewer {
  std::string address;  // lower-cased; the logged-in user's mail address
  bool admin = false;

  static Viewer administrator() { return Viewer{{}, true}; }
  static Viewer user(std::string_view address);
};

// `sender` and `recipients` lower-cased, as the index keeps them.
bool may_see(const Viewer& viewer, std::string_view sender, const std::vector<std::string>& recipients);

}  // namespace hamail::mailsvc::trace
