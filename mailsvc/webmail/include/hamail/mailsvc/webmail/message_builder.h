// Turns an OutgoingMail into the RFC 5322 / MIME message webmail submits and saves:
// Date, Message-ID, From, To, Cc (Bcc only in the Sent and Drafts copies), Subject,
// In-Reply-To/References, the text (7bit or quoted-printable UTF-8), attachments in base64
// under multipart/mixed. CRLF line ends. No clock or randomness: the caller gives them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/mailsvc/webmail/outgoing_mail.h"

namespace hamail::mailsvc::webmail {

struct MessageStamp {
  MailAddress from;
  std::int64_t date_unix = 0;  // written as UTC (+0000)
  std::string message_id;      // "<token@hostname>"
  std::string boundary;        // random-looking token; "=_" is added, never in base64 or QP text
};

// omit: the submitted message; keep: the Sent copy (Bcc); draft: the Drafts copy (Bcc, and
// X-Hamail-Draft-Of naming the message it answers or forwards, see draft_of.h).
enum class BccHeader { omit, keep, draft };

std::string build_message(const OutgoingMail& mail, const MessageStamp& stamp, BccHeader bcc);

// Quoted-printable (RFC 2045 6.7) of text with CRLF line ends; lines of at most 76.
std::string quoted_printable(std::string_view text);

// Base64 in lines of 76, each ending in CRLF.
std::string base64_lines(std::string_view bytes);

}  // namespace hamail::mailsvc::webmail
