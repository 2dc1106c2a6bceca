#include "hamail/mailsvc/imap/response_text.h"

namespace hamail::mailsvc::imap {
namespace {

constexpr std::size_t kMaxQuoted = 1024;

bool quotable(std::string_view text, bool utf8) {
  if (text.size() > kMaxQuoted) return false;
  bool eight_bit = false;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == 0 || c == '\r' || c == '\n') return false;
    eight_bit = eight_bit || c >= 0x80;
  }
  return !eight_bit || (utf8 && valid_utf8(text));
}

}  // namespace

std::string imap_string(std::string_view text, bool utf8) {
  if (!quotable(text, utf8)) return "{" + std::to_string(text.size()) + "}\r\n" + std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string imap_nstring(const std::optional<std::string>& text, bool utf8) {
  return text ? imap_string(*text, utf8) : "NIL";
}

std::string imap_mailbox(std::string_view utf8_name, MailboxEncoding encoding) {
  return imap_string(encode_mailbox_name(utf8_name, encoding), encoding == MailboxEncoding::utf8);
}

std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += c >= 0x20 && c <= 0x7E ? c : '?';
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace hamail::mailsvc::imap
