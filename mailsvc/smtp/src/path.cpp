#include "hamail/mailsvc/smtp/path.h"

#include <cctype>
#include <charconv>

namespace hamail::mailsvc::smtp {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool starts_with_i(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool is_atext(unsigned char c, bool utf8) {
  if (c >= 0x80) return utf8;
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool valid_local_part(std::string_view s, bool utf8) {
  if (s.empty() || s.size() > 64) return false;
  if (s.front() == '"') {
    if (s.size() < 2 || s.back() != '"') return false;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c == '\\') {
        // quoted-pairSMTP = "\" %d32-126 (RFC 5321 4.1.2): no CR, LF, NUL or other control.
        if (++i + 1 >= s.size()) return false;
        unsigned char q = static_cast<unsigned char>(s[i]);
        if (q < 0x20 || q > 0x7e) return false;
        continue;
      }
      if (c == '"' || c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) return false;
    }
    return true;
  }
  bool prev_dot = true;  // no leading dot
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '.') {
      if (prev_dot) return false;
      prev_dot = true;
      continue;
    }
    if (!is_atext(c, utf8)) return false;
    prev_dot = false;
  }
  return !prev_dot;
}

bool valid_domain(std::string_view s, bool utf8) {
  if (s.empty() || s.size() > 255) return false;
  if (s.front() == '[') {
    if (s.back() != ']' || s.size() < 3) return false;
    for (char c : s.substr(1, s.size() - 2))
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-')) return false;
    return true;
  }
  std::size_t label = 0;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!(std::isalnum(c) || c == '-' || (c >= 0x80 && utf8))) return false;
    if (++label > 63) return false;
  }
  return label > 0;
}

// Splits "<path> params" into the path's inside and the parameter text.
bool split_path(std::string_view s, std::string_view& inside, std::string_view& params) {
  s = trim_spaces(s);  // "FROM: <a@b>" is common enough to accept
  if (s.empty() || s.front() != '<') return false;
  bool quoted = false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (quoted && c == '\\') {
      ++i;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == '>' && !quoted) {
      inside = s.substr(1, i - 1);
      params = s.substr(i + 1);
      return params.empty() || params.front() == ' ';
    }
  }
  return false;
}

// Drops an obsolete source route "@a,@b:" (RFC 5321 4.1.2 says to accept and ignore it).
std::string_view strip_source_route(std::string_view s) {
  if (!s.empty() && s.front() == '@') {
    auto colon = s.find(':');
    if (colon != std::string_view::npos) return s.substr(colon + 1);
  }
  return s;
}

bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

template <class T>
PathResult<T> fail(PathError e, std::string detail) {
  PathResult<T> r;
  r.error = e;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

bool has_non_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

bool valid_mailbox(std::string_view address, bool utf8) {
  if (address.size() > 254) return false;
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  return valid_local_part(address.substr(0, at), utf8) && valid_domain(address.substr(at + 1), utf8);
}

PathResult<MailFromArgs> parse_mail_from(std::string_view rest) {
  using R = MailFromArgs;
  if (!starts_with_i(rest, "FROM:")) return fail<R>(PathError::syntax, "Syntax: MAIL FROM:<address>");
  std::string_view inside, params;
  if (!split_path(rest.substr(5), inside, params)) return fail<R>(PathError::syntax, "Syntax: MAIL FROM:<address>");
  MailFromArgs args;
  // Parameters first: SMTPUTF8 decides whether a UTF-8 address is allowed.
  params = trim_spaces(params);
  while (!params.empty()) {
    auto sp = params.find(' ');
    std::string_view p = params.substr(0, sp);
    params = sp == std::string_view::npos ? std::string_view() : trim_spaces(params.substr(sp));
    auto eq = p.find('=');
    std::string_view key = p.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : p.substr(eq + 1);
    if (iequals(key, "SIZE")) {
      std::uint64_t n = 0;
      if (eq == std::string_view::npos || !parse_u64(value, n)) return fail<R>(PathError::bad_parameter, "Bad SIZE value");
      args.size = n;
    } else if (iequals(key, "BODY")) {
      if (iequals(value, "8BITMIME")) args.body_8bitmime = true;
      else if (iequals(value, "7BIT")) args.body_8bitmime = false;
      else return fail<R>(PathError::bad_parameter, "Unsupported BODY value");
    } else if (iequals(key, "SMTPUTF8") && eq == std::string_view::npos) {
      args.smtputf8 = true;
    } else if (iequals(key, "AUTH") && eq != std::string_view::npos) {
      // RFC 4954 5: accepted and ignored (we do not relay on behalf of others).
    } else {
      return fail<R>(PathError::bad_parameter, "Unsupported parameter");
    }
  }
  std::string_view addr = strip_source_route(inside);
  if (!addr.empty()) {
    if (has_non_ascii(addr) && !args.smtputf8)
      return fail<R>(PathError::needs_smtputf8, "Must declare SMTPUTF8 to send a UTF-8 address");
    if (!valid_mailbox(addr, args.smtputf8)) return fail<R>(PathError::bad_address, "Bad sender address syntax");
  }
  args.address = std::string(addr);
  PathResult<R> r;
  r.value = std::move(args);
  return r;
}

PathResult<RcptToArgs> parse_rcpt_to(std::string_view rest, bool smtputf8) {
  using R = RcptToArgs;
  if (!starts_with_i(rest, "TO:")) return fail<R>(PathError::syntax, "Syntax: RCPT TO:<address>");
  std::string_view inside, params;
  if (!split_path(rest.substr(3), inside, params)) return fail<R>(PathError::syntax, "Syntax: RCPT TO:<address>");
  if (!trim_spaces(params).empty()) return fail<R>(PathError::bad_parameter, "Unsupported parameter");
  std::string_view addr = strip_source_route(inside);
  if (iequals(addr, "postmaster")) return PathResult<R>{RcptToArgs{std::string(addr)}, PathError::syntax, ""};
  if (has_non_ascii(addr) && !smtputf8)
    return fail<R>(PathError::needs_smtputf8, "Must declare SMTPUTF8 to send a UTF-8 address");
  if (!valid_mailbox(addr, smtputf8)) return fail<R>(PathError::bad_address, "Bad recipient address syntax");
  return PathResult<R>{RcptToArgs{std::string(addr)}, PathError::syntax, ""};
}

}  // namespace hamail::mailsvc::smtp
