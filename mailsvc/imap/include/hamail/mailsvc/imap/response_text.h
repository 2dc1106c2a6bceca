// Pieces of server responses (RFC 9051 section 9, server side): strings as quoted or
// literal, mailbox names, text made safe for a response line. Pure functions; the flag
// list, sequence set and date-time forms live beside their types.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hamail/mailsvc/imap/mailbox_name.h"

namespace hamail::mailsvc::imap {

// "text" with \ and " escaped when it can be quoted (no CR, LF or NUL, 8-bit only as
// valid UTF-8 when `utf8` is allowed, at most 1024 octets), else the literal {N}CRLF text.
std::string imap_string(std::string_view text, bool utf8);
std::string imap_nstring(const std::optional<std::string>& text, bool utf8);  // NIL for none
// A UTF-8 mailbox name as a response carries it: encoded, then imap_string.
std::string imap_mailbox(std::string_view utf8_name, MailboxEncoding encoding);
// Client-supplied text made fit for a response line (an error naming a token): printable
// ASCII only (others become '?'), at most `max` octets ("..." appended when cut).
std::string printable(std::string_view text, std::size_t max = 64);

}  // namespace hamail::mailsvc::imap
