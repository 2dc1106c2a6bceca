#include "hamail/mailsvc/webmail/header_encoding.h"

#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::webmail {
namespace {

bool printable_ascii(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return false;
  }
  return true;
}

bool atext_phrase(std::string_view s) {  // words of atext and spaces: no quoting needed
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
              std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Length of the UTF-8 sequence that starts with this byte (1 for a stray byte).
std::size_t sequence_length(unsigned char c) {
  if (c >= 0xf0) return 4;
  if (c >= 0xe0) return 3;
  if (c >= 0xc0) return 2;
  return 1;
}

}  // namespace

std::string encode_header_text(std::string_view utf8) {
  if (printable_ascii(utf8)) return std::string(utf8);
  // "=?UTF-8?B?" + base64 + "?=" <= 75: 45 input octets give 60 base64 characters.
  constexpr std::size_t kChunk = 45;
  std::string out;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    std::size_t end = pos;
    while (end < utf8.size()) {
      std::size_t n = sequence_length(static_cast<unsigned char>(utf8[end]));
      if (end + n - pos > kChunk) break;
      end += n;
    }
    if (end == pos) end = std::min(utf8.size(), pos + kChunk);
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + wire::base64_encode(utf8.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string format_address(const MailAddress& a) {
  if (a.name.empty()) return a.address;
  std::string name;
  if (!printable_ascii(a.name)) name = encode_header_text(a.name);
  else if (atext_phrase(a.name)) name = a.name;
  else name = "\"" + a.name + "\"";  // '"' and '\' were refused when parsed
  return name + " <" + a.address + ">";
}

std::string header_line(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ':';
  std::size_t line = out.size();
  std::size_t pos = 0;
  while (pos < value.size()) {
    std::size_t sp = value.find(' ', pos + 1);
    std::string_view word = value.substr(pos, sp == std::string_view::npos ? std::string_view::npos : sp - pos);
    if (pos == 0) {
      out += ' ';
      ++line;
    } else if (line + word.size() > 78) {
      out += "\r\n";  // the word's leading space becomes the folding white space
      line = 0;
    }
    out += word;
    line += word.size();
    pos += word.size();
  }
  out += "\r\n";
  return out;
}

std::string mime_parameter(std::string_view name, std::string_view value) {
  if (printable_ascii(value) && value.find_first_of("\"\\") == std::string_view::npos)
    return std::string(name) + "=\"" + std::string(value) + "\"";
  static const char* hex = "0123456789ABCDEF";
  std::string out = std::string(name) + "*=UTF-8''";
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                 std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

}  // namespace hamail::mailsvc::webmail
