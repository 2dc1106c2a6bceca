#include "hamail/mailsvc/imap/mailbox_name.h"

#include <cstdint>
#include <string_view>

#include "chars.h"

namespace hamail::mailsvc::imap {
namespace {

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at s[pos] (advancing pos), or kInvalid (advancing one byte).
char32_t next_code_point(std::string_view s, std::size_t& pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(pos);
  if (c < 0x80) {
    ++pos;
    return c;
  }
  std::size_t n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
  if (n == 0 || pos + n >= s.size()) {
    ++pos;
    return kInvalid;
  }
  char32_t cp = c & (0x3F >> n);
  for (std::size_t i = 1; i <= n; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return kInvalid;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return kInvalid;
  }
  pos += n + 1;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool control(char32_t cp) { return cp < 0x20 || cp == 0x7F; }

// The modified base64 between "&" and "-" -> UTF-8 appended to `out`.
Status decode_shift(std::string_view b64, std::string& out) {
  std::uint32_t bits = 0;
  int nbits = 0;
  char32_t high = 0;  // a high surrogate waiting for its low half
  for (char c : b64) {
    std::size_t v = kBase64.find(c);
    if (v == std::string_view::npos) return Error{"'" + std::string(1, c) + "' is not modified base64"};
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits < 16) continue;
    nbits -= 16;
    char32_t unit = (bits >> nbits) & 0xFFFF;
    bits &= (1u << nbits) - 1;
    if (high != 0) {
      if (unit < 0xDC00 || unit > 0xDFFF) return Error{"a UTF-16 high surrogate without its low half"};
      append_utf8(out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
      high = 0;
    } else if (unit >= 0xD800 && unit <= 0xDBFF) {
      high = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return Error{"a UTF-16 low surrogate without its high half"};
    } else if (unit >= 0x20 && unit <= 0x7E) {
      return Error{"base64 for the printable character '" + std::string(1, static_cast<char>(unit)) + "'"};
    } else if (control(unit)) {
      return Error{"a control character"};
    } else {
      append_utf8(out, unit);
    }
  }
  if (high != 0) return Error{"a UTF-16 high surrogate at the end of a shift"};
  if (nbits >= 6 || bits != 0) return Error{"stray bits at the end of a shift"};
  return Status::ok();
}

void flush_shift(std::string& out, std::uint32_t& bits, int& nbits, bool& shifted) {
  if (!shifted) return;
  if (nbits > 0) out += kBase64[(bits << (6 - nbits)) & 0x3F];
  out += '-';
  bits = 0;
  nbits = 0;
  shifted = false;
}

}  // namespace

bool valid_utf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();)
    if (next_code_point(text, pos) == kInvalid) return false;
  return true;
}

Result<std::string> decode_mailbox_utf7(std::string_view wire) {
  std::string out;
  std::size_t last_shift_end = std::string_view::npos;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    auto c = static_cast<unsigned char>(wire[i]);
    if (c < 0x20 || c > 0x7E)
      return Error{"not modified UTF-7: a byte that is not printable ASCII at offset " + std::to_string(i)};
  }
  for (std::size_t i = 0; i < wire.size();) {
    char c = wire[i];
    if (c != '&') {
      out += c;
      ++i;
      continue;
    }
    std::size_t dash = wire.find('-', i + 1);
    if (dash == std::string_view::npos) return Error{"not modified UTF-7: '&' without its closing '-'"};
    std::string_view b64 = wire.substr(i + 1, dash - i - 1);
    if (b64.empty()) {
      out += '&';
    } else {
      if (i == last_shift_end) return Error{"not modified UTF-7: two adjacent shifted sequences"};
      if (Status s = decode_shift(b64, out); !s) return Error{"not modified UTF-7: " + s.message()};
      last_shift_end = dash + 1;
    }
    i = dash + 1;
  }
  return out;
}

std::string encode_mailbox_utf7(std::string_view utf8) {
  std::string out;
  std::uint32_t bits = 0;
  int nbits = 0;
  bool shifted = false;
  for (std::size_t pos = 0; pos < utf8.size();) {
    char32_t cp = next_code_point(utf8, pos);
    if (cp == kInvalid) cp = 0xFFFD;
    if (cp >= 0x20 && cp <= 0x7E) {
      flush_shift(out, bits, nbits, shifted);
      if (cp == '&')
        out += "&-";
      else
        out += static_cast<char>(cp);
      continue;
    }
    if (!shifted) out += '&';
    shifted = true;
    char32_t units[2] = {cp, 0};
    int count = 1;
    if (cp >= 0x10000) {
      units[0] = 0xD800 + ((cp - 0x10000) >> 10);
      units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
      count = 2;
    }
    for (int u = 0; u < count; ++u) {
      bits = (bits << 16) | units[u];
      nbits += 16;
      while (nbits >= 6) {
        nbits -= 6;
        out += kBase64[(bits >> nbits) & 0x3F];
      }
      bits &= (1u << nbits) - 1;
    }
  }
  flush_shift(out, bits, nbits, shifted);
  return out;
}

Result<std::string> decode_mailbox_name(std::string_view wire, MailboxEncoding encoding) {
  std::string name;
  if (encoding == MailboxEncoding::utf8) {
    if (!valid_utf8(wire)) return Error{"mailbox name is not valid UTF-8"};
    for (char c : wire)
      if (control(static_cast<unsigned char>(c))) return Error{"mailbox name contains a control character"};
    name = std::string(wire);
  } else {
    auto decoded = decode_mailbox_utf7(wire);
    if (!decoded) return Error{"mailbox name is " + decoded.error()};
    name = std::move(*decoded);
  }
  if (chars::iequals(name, "INBOX")) name = "INBOX";
  return name;
}

std::string encode_mailbox_name(std::string_view utf8, MailboxEncoding encoding) {
  return encoding == MailboxEncoding::utf8 ? std::string(utf8) : encode_mailbox_utf7(utf8);
}

}  // namespace hamail::mailsvc::imap
