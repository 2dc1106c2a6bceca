// A part's content as a reader sees it (webmail): the transfer encoding undone, text in
// UTF-8 by its charset parameter, and header fields with their encoded words decoded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hamail/mailsvc/mime/message.h"

namespace hamail::mailsvc::mime {

// The part's body with its Content-Transfer-Encoding undone; nullopt for an unknown one.
std::optional<std::string> part_content(const MimeMessage& msg, const MimePart& part);
// A text part's body as UTF-8 (charset parameter; none = US-ASCII/UTF-8); "" if undecodable.
std::string part_text(const MimeMessage& msg, const MimePart& part);
// The field unfolded with RFC 2047 encoded words decoded; "" when absent.
std::string header_text(const MimePart& part, std::string_view field);
// The part's file name: Content-Disposition filename, else Content-Type name, decoded.
std::string part_filename(const MimePart& part);

}  // namespace hamail::mailsvc::mime
