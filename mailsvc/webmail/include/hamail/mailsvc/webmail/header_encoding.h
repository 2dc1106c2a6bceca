// Header text as RFC 5322 wants it: UTF-8 words as RFC 2047 encoded words (base64,
// whole characters per word, at most 75 octets each), display names as atoms, quoted
// strings or encoded words, and folding so that no line passes 78 octets when it can.
#pragma once

#include <string>
#include <string_view>

#include "hamail/mailsvc/webmail/outgoing_mail.h"

namespace hamail::mailsvc::webmail {

// Unstructured text (Subject): unchanged when printable ASCII, else encoded words.
std::string encode_header_text(std::string_view utf8);

// "Name <a@b>", "\"J. Doe\" <a@b>", "=?UTF-8?B?...?= <a@b>" or "a@b".
std::string format_address(const MailAddress& a);

// "Name: value" folded at spaces to lines of at most 78 octets, ending in CRLF.
std::string header_line(std::string_view name, std::string_view value);

// RFC 2231 parameter: name="ascii" or name*=UTF-8''percent-encoded.
std::string mime_parameter(std::string_view name, std::string_view value);

}  // namespace hamail::mailsvc::webmail
