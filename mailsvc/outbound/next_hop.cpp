#include "hamail/mailsvc/outbound/next_hop.h"

#include <cctype>

#include "hamail/mailsvc/outbound/domain_name.h"
#include "hamail/mailsvc/outbound/quote.h"

namespace hamail::mailsvc::outbound {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

bool starts_with_ci(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower_prefix[i]) return false;
  return true;
}

}  // namespace

std::string NextHop::to_string() const {
  std::string h = mx_lookup ? host : "[" + host + "]";
  return h + ":" + std::to_string(port);
}

Result<NextHop> parse_relay_host(std::string_view value) {
  auto fail = [&](const std::string& what) { return Error{"relay_host " + quoted(value) + ": " + what}; };
  if (value.empty()) return fail("empty");
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return fail("contains a space or a control character");
  }
  NextHop hop;
  hop.relay = true;
  std::string_view port_text;
  bool has_port = false;
  if (value.front() == '[') {
    auto close = value.find(']');
    if (close == std::string_view::npos) return fail("missing ']'");
    std::string_view inner = value.substr(1, close - 1);
    std::string_view rest = value.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("expected \":port\" after ']'");
      port_text = rest.substr(1);
      has_port = true;
    }
    hop.mx_lookup = false;
    if (starts_with_ci(inner, "ipv6:")) {
      auto ip = parse_ip_address(inner.substr(5));
      if (!ip || ip->find(':') == std::string::npos) return fail("bad IPv6 address " + quoted(inner.substr(5)));
      hop.host = *ip;
    } else if (auto ip = parse_ip_address(inner)) {
      hop.host = *ip;
    } else {
      auto name = normalize_domain_name(inner);
      if (!name) return fail(name.error());
      hop.host = *name;
    }
  } else {
    auto colon = value.find(':');
    if (colon != std::string_view::npos && value.find(':', colon + 1) != std::string_view::npos)
      return fail("an IPv6 address must be written in brackets, e.g. [2001:db8::1]:25");
    std::string_view host = value.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = value.substr(colon + 1);
      has_port = true;
    }
    if (auto ip = parse_ip_address(host)) {
      hop.host = *ip;
      hop.mx_lookup = false;
    } else {
      auto name = normalize_domain_name(host);
      if (!name) return fail(name.error());
      hop.host = *name;
    }
  }
  if (has_port) {
    auto port = parse_port(port_text);
    if (!port) return fail("bad port " + quoted(port_text) + ": expected a number from 1 to 65535");
    hop.port = *port;
  }
  return hop;
}

NextHop next_hop_for_domain(std::string_view domain) {
  NextHop hop;
  if (auto ip = parse_address_literal(domain)) {
    hop.host = *ip;
    hop.mx_lookup = false;
    return hop;
  }
  hop.host.reserve(domain.size());
  for (char c : domain) hop.host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hop;
}

}  // namespace hamail::mailsvc::outbound
