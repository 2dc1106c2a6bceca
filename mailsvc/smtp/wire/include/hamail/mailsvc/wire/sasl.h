// SASL pieces shared by SMTP AUTH (RFC 4954) and POP3 AUTH (RFC 5034): decoding one
// base64 client response (with the "*" cancel and "=" empty forms) and splitting a
// PLAIN message (RFC 4616: authzid NUL authcid NUL passwd).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "hamail/base/result.h"

namespace hamail::mailsvc::wire {

// What a client response line meant.
struct SaslCancelled {};
struct SaslBadEncoding {
  std::string reason;
};
using SaslResponse = std::variant<std::string, SaslCancelled, SaslBadEncoding>;

// "*" cancels; "=" (an initial response only) and "" are the empty response.
SaslResponse decode_sasl_response(std::string_view line);

// The three fields of a PLAIN message; user and password must not be empty.
struct PlainCredentials {
  std::string authzid;
  std::string user;
  std::string password;
};
Result<PlainCredentials> parse_sasl_plain(std::string_view decoded);

}  // namespace hamail::mailsvc::wire
