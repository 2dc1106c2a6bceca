#include "hamail/mailsvc/outbound/domain_name.h"

#include <arpa/inet.h>

#include <cctype>

#include "hamail/mailsvc/outbound/quote.h"

namespace hamail::mailsvc::outbound {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

Result<std::string> normalize_domain_name(std::string_view name) {
  auto fail = [&](const std::string& what) { return Error{"domain " + quoted(name) + ": " + what}; };
  std::string_view n = name;
  if (!n.empty() && n.back() == '.') n.remove_suffix(1);
  if (n.empty()) return fail("empty");
  if (n.size() > 253) return fail("longer than 253 octets");
  std::string out;
  out.reserve(n.size());
  std::size_t label = 0;
  for (char c : n) {
    auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label == 0) return fail("empty label");
      label = 0;
      out += '.';
      continue;
    }
    if (u >= 0x80) return fail("non-ASCII name: write it in IDNA (xn--) form");
    if (!std::isalnum(u) && c != '-' && c != '_')
      return fail("character " + quoted(std::string_view(&c, 1)) + " not allowed (letters, digits, '-', '_')");
    if (++label > 63) return fail("label longer than 63 octets");
    out += static_cast<char>(std::tolower(u));
  }
  if (label == 0) return fail("empty label");
  return out;
}

std::optional<std::string> parse_ip_address(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  char buf[INET6_ADDRSTRLEN];
  in_addr a4{};
  if (::inet_pton(AF_INET, s.c_str(), &a4) == 1 && ::inet_ntop(AF_INET, &a4, buf, sizeof buf)) return std::string(buf);
  in6_addr a6{};
  if (::inet_pton(AF_INET6, s.c_str(), &a6) == 1 && ::inet_ntop(AF_INET6, &a6, buf, sizeof buf))
    return std::string(buf);
  return std::nullopt;
}

std::optional<std::string> parse_address_literal(std::string_view text) {
  if (text.size() < 3 || text.front() != '[' || text.back() != ']') return std::nullopt;
  std::string_view inner = text.substr(1, text.size() - 2);
  if (starts_with_ci(inner, "ipv6:")) {
    auto ip = parse_ip_address(inner.substr(5));
    if (!ip || ip->find(':') == std::string::npos) return std::nullopt;
    return ip;
  }
  return parse_ip_address(inner);
}

}  // namespace hamail::mailsvc::outbound
