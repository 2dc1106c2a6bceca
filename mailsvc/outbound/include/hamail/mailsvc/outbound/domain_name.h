// The names outbound/ hands to DNS, checked before any query: domain and host names
// (dot-separated labels of letters, digits, '-', '_'; <= 253 octets) and IP address
// literals ("192.0.2.1", "[192.0.2.1]", "[IPv6:2001:db8::1]"). Errors name the input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::outbound {

// "Example.ORG." -> "example.org". Refused: empty, > 253 octets, an empty label, a label
// > 63 octets, other characters, non-ASCII (IDNs must be given in xn-- form).
Result<std::string> normalize_domain_name(std::string_view name);

// The canonical text (inet_ntop) of a numeric IPv4 or IPv6 address, else nullopt.
std::optional<std::string> parse_ip_address(std::string_view text);

// "[192.0.2.1]", "[IPv6:2001:db8::1]" (RFC 5321 4.1.3) and, leniently, "[2001:db8::1]"
// -> the canonical address; anything else -> nullopt.
std::optional<std::string> parse_address_literal(std::string_view text);

}  // namespace hamail::mailsvc::outbound
