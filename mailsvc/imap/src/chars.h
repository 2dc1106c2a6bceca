// The character classes of IMAP's formal syntax (RFC 9051 section 9): what may stand in
// an atom, an astring, a tag, a list-mailbox pattern. Internal to mailsvc_imap.
#pragma once

#include <string>
#include <string_view>

namespace hamail::mailsvc::imap::chars {

// ATOM-CHAR: any CHAR (%x01-7F) except atom-specials: ( ) { SP CTL % * " \ ]
constexpr bool atom(char ch) {
  auto c = static_cast<unsigned char>(ch);
  if (c <= 0x1f || c >= 0x7f) return false;
  switch (c) {
    case '(': case ')': case '{': case ' ': case '%': case '*': case '"': case '\\': case ']':
      return false;
    default:
      return true;
  }
}
constexpr bool astring(char c) { return atom(c) || c == ']'; }
constexpr bool tag(char c) { return astring(c) && c != '+'; }
constexpr bool list(char c) { return atom(c) || c == '%' || c == '*' || c == ']'; }
constexpr bool digit(char c) { return c >= '0' && c <= '9'; }

constexpr bool valid_tag(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!tag(c)) return false;
  return true;
}

constexpr char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper(c);
  return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

}  // namespace hamail::mailsvc::imap::chars
