// SEARCH matching on a parsed message (RFC 3501 6.4.4 HEADER, BODY, TEXT and the address
// and SUBJECT keys, which are HEADER searches): substring matches on decoded text.
// Matching folds case with GLib's Unicode case folding (g_utf8_casefold), so ASCII and
// other scripts' simple case differences match; text is compared as UTF-8.
#pragma once

#include <string_view>

#include "hamail/mailsvc/mime/message.h"

namespace hamail::mailsvc::mime {

// A field of that name in the message's header contains `needle` once its encoded words
// are decoded; an empty needle matches any message that has the field.
bool header_matches(const MimeMessage& msg, std::string_view field_name, std::string_view needle);

// A text/* part (anywhere, held messages included) contains `needle` once decoded from
// its transfer encoding and converted from its charset to UTF-8.
bool body_matches(const MimeMessage& msg, std::string_view needle);

// The header (any field, decoded) or the body contains `needle`.
bool text_matches(const MimeMessage& msg, std::string_view needle);

}  // namespace hamail::mailsvc::mime
