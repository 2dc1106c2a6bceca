#include "hamail/mailsvc/wire/sasl.h"

#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::wire {

SaslResponse decode_sasl_response(std::string_view line) {
  if (line == "*") return SaslCancelled{};
  if (line == "=" || line.empty()) return std::string();
  auto decoded = base64_decode(line);
  if (!decoded) return SaslBadEncoding{decoded.error()};
  return std::move(*decoded);
}

Result<PlainCredentials> parse_sasl_plain(std::string_view decoded) {
  auto first = decoded.find('\0');
  if (first == std::string_view::npos) return Error{"PLAIN response has no NUL separator"};
  auto second = decoded.find('\0', first + 1);
  if (second == std::string_view::npos) return Error{"PLAIN response has only one NUL separator"};
  if (decoded.find('\0', second + 1) != std::string_view::npos) return Error{"PLAIN response has too many NULs"};
  PlainCredentials c;
  c.authzid = std::string(decoded.substr(0, first));
  c.user = std::string(decoded.substr(first + 1, second - first - 1));
  c.password = std::string(decoded.substr(second + 1));
  if (c.user.empty()) return Error{"PLAIN response has an empty user name"};
  if (c.password.empty()) return Error{"PLAIN response has an empty password"};
  return c;
}

}  // namespace hamail::mailsvc::wire
