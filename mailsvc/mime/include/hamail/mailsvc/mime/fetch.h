// FETCH answers from a parsed message (RFC 3501 7.4.2, RFC 3516): ENVELOPE, BODY and
// BODYSTRUCTURE as IMAP text, BODY[section] as the original octets, BINARY[section]
// decoded from its transfer encoding.
#pragma once

#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/imap/fetch_items.h"
#include "hamail/mailsvc/mime/message.h"

namespace hamail::mailsvc::mime {

// The ENVELOPE list: (date subject from sender reply-to to cc bcc in-reply-to message-id),
// strings as the header wrote them (encoded words kept), quoted or literal.
std::string envelope(const MimeMessage& msg);
std::string envelope(const MimePart& message_part);

// BODYSTRUCTURE (extended = true) or BODY (false).
std::string body_structure(const MimeMessage& msg, bool extended);

// BODY[section]: the octets the section names, "" for a part that does not exist.
std::string section_bytes(const MimeMessage& msg, const imap::Section& section);

// BINARY[part]: the part's content decoded from base64 / quoted-printable (7bit, 8bit,
// binary as they are); an error "UNKNOWN-CTE: x-foo" for any other encoding, which imapd
// answers with NO [UNKNOWN-CTE]. A part that does not exist gives "".
Result<std::string> binary_section(const MimeMessage& msg, const imap::Section& section);
Result<std::size_t> binary_size(const MimeMessage& msg, const imap::Section& section);

// The part the numbers name (RFC 3501 6.4.5: part 1 of a non-multipart message is its
// body; a message/rfc822 part's numbers are those of the message it holds; as Dovecot,
// part 1 of a multipart's leaf part is that part itself); nullptr if none.
const MimePart* find_part(const MimeMessage& msg, const std::vector<std::uint32_t>& numbers);

}  // namespace hamail::mailsvc::mime
