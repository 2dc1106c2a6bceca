// Mailbox names on the wire: modified UTF-7 (RFC 3501 5.1.3) for IMAP4rev1 clients,
// UTF-8 as is once IMAP4rev2 or UTF8=ACCEPT is enabled (RFC 9051, RFC 6855). Inside
// the server a name is UTF-8; "INBOX" is one name in any case.
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::imap {

enum class MailboxEncoding { modified_utf7, utf8 };

// Strict: printable ASCII only, "&-" for "&", base64 only for what cannot stand for
// itself, no superfluous shift ("&AAA-&BBB-"), well-formed UTF-16 and zero pad bits, so
// encode(decode(x)) == x for every name it takes.
Result<std::string> decode_mailbox_utf7(std::string_view wire);
// `utf8` must be valid UTF-8 (a bad byte is encoded as U+FFFD).
std::string encode_mailbox_utf7(std::string_view utf8);

bool valid_utf8(std::string_view text);  // strict: no overlongs, surrogates or > U+10FFFF

// A name as a command carries it -> UTF-8, "INBOX" in any case -> "INBOX".
Result<std::string> decode_mailbox_name(std::string_view wire, MailboxEncoding encoding);
// A UTF-8 name -> what a response carries (before quoting).
std::string encode_mailbox_name(std::string_view utf8, MailboxEncoding encoding);

}  // namespace hamail::mailsvc::imap
