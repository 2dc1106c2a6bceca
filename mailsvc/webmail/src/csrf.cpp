#include "hamail/mailsvc/webmail/csrf.h"

#include "hamail/mailsvc/webmail/token.h"

namespace hamail::mailsvc::webmail {

bool state_changing(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool csrf_token_matches(const http::HttpRequest& request, std::string_view expected) {
  if (expected.empty() || request.header_count(kCsrfHeader) != 1) return false;
  return constant_time_equal(*request.header(kCsrfHeader), expected);
}

}  // namespace hamail::mailsvc::webmail
