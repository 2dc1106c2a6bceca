// Base64 (RFC 4648, standard alphabet, padded) as used by SASL in SMTP AUTH and
// POP3 AUTH. Decoding is strict: bad characters, bad padding or a wrong length
// are errors, never silently skipped.
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::wire {

std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

}  // namespace hamail::mailsvc::wire
