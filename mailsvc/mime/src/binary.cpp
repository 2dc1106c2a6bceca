// BINARY[part] and BINARY.SIZE[part] (RFC 3516): a leaf part's content decoded from its
// transfer encoding; multiparts and held messages are returned as BODY[part] gives them.
#include "decode.h"
#include "hamail/mailsvc/mime/fetch.h"

namespace hamail::mailsvc::mime {

Result<std::string> binary_section(const MimeMessage& msg, const imap::Section& section) {
  const MimePart* part = find_part(msg, section.part);
  if (part == nullptr) return std::string();
  if (section.part.empty() || part->is_multipart() || part->is_message()) return section_bytes(msg, section);
  std::string encoding = part->transfer_encoding();
  std::optional<std::string> decoded =
      decode_transfer(std::string_view(msg.bytes()).substr(part->body_begin, part->end - part->body_begin), encoding);
  if (!decoded) return Error{"UNKNOWN-CTE: " + encoding};
  return std::move(*decoded);
}

Result<std::size_t> binary_size(const MimeMessage& msg, const imap::Section& section) {
  Result<std::string> content = binary_section(msg, section);
  if (!content) return Error{content.error()};
  return content->size();
}

}  // namespace hamail::mailsvc::mime
