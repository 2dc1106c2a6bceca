// HTTP dates (RFC 9110 section 5.6.7): IMF-fixdate written ("Sun, 06 Nov 1994 08:49:37
// GMT"); IMF-fixdate, RFC 850 and asctime read, as If-Modified-Since may carry any.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::http {

std::string format_http_date(std::time_t t);
std::optional<std::time_t> parse_http_date(std::string_view text);

}  // namespace hamail::mailsvc::http
