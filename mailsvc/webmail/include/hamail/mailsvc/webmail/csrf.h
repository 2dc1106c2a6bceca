// CSRF protection of webmail's API: which requests change state, and whether one carries
// its session's token in X-CSRF-Token (the page got it at login; another site's form or
// image cannot set a header).
#pragma once

#include <string_view>

#include "hamail/mailsvc/http/request.h"

namespace hamail::mailsvc::webmail {

inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// Anything but GET, HEAD and OPTIONS.
bool state_changing(std::string_view method);

// Exactly one X-CSRF-Token field, equal (constant time) to `expected`, which is not empty.
bool csrf_token_matches(const http::HttpRequest& request, std::string_view expected);

}  // namespace hamail::mailsvc::webmail
