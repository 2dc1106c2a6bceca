#include "hamail/mailsvc/mime/part_text.h"

#include <cctype>

#include "decode.h"

namespace hamail::mailsvc::mime {

std::optional<std::string> part_content(const MimeMessage& msg, const MimePart& part) {
  std::string_view body = std::string_view(msg.bytes()).substr(part.body_begin, part.end - part.body_begin);
  return decode_transfer(body, part.transfer_encoding());
}

std::string part_text(const MimeMessage& msg, const MimePart& part) {
  std::optional<std::string> content = part_content(msg, part);
  if (!content) return "";
  std::string charset = part.param("charset");
  return to_utf8(*content, charset.empty() ? "utf-8" : charset);
}

std::string header_text(const MimePart& part, std::string_view field) {
  const HeaderField* f = part.field(field);
  if (f == nullptr) return "";
  return decode_header_text(part.field_value(field));
}

std::string part_filename(const MimePart& part) {
  for (const auto& [name, value] : part.disposition_params) {
    bool is_filename = name.size() == 8;
    for (std::size_t i = 0; is_filename && i < 8; ++i)
      is_filename = std::tolower(static_cast<unsigned char>(name[i])) == "filename"[i];
    if (is_filename && !value.empty()) return decode_header_text(value);
  }
  std::string name = part.param("name");
  return name.empty() ? "" : decode_header_text(name);
}

}  // namespace hamail::mailsvc::mime
