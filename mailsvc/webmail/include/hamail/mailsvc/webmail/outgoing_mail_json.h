// Reads the JSON body of /api/send and /api/drafts into an OutgoingMail, every field
// bounded and checked: CR, LF or NUL in any header field is a 400 naming the field (no
// header injection), addresses valid, attachments base64 within the count and size.
#pragma once

#include <optional>
#include <string_view>
#include <vector>
#include <variant>

#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/outgoing_mail.h"

namespace hamail::mailsvc::webmail {

// `need_recipient`: a send needs one; a draft may have none. `max_attachment_bytes`:
// decoded, all together (a parameter for the tests).
std::variant<OutgoingMail, RouteError> parse_outgoing_mail(std::string_view body, bool need_recipient,
                                                           std::size_t max_attachment_bytes = kMaxAttachmentBytes);

// "Ann <a@example.org>", "\"Doe, J\" <j@x>", "a@example.org" -> a MailAddress; nullopt if bad.
std::optional<MailAddress> parse_mail_address(std::string_view text);

// "a@x, \"Doe, J\" <j@y>" -> its addresses as written, split at commas outside quotes and <>.
std::vector<std::string_view> split_addresses(std::string_view list);

}  // namespace hamail::mailsvc::webmail
