// Where remote mail goes next: the relay_host setting (Postfix syntax: "host" and
// "host:port" mean an MX lookup of host; "[host]:port" and "[192.0.2.1]" mean that host's
// own addresses, no MX lookup) or, with no relay, a recipient domain's MX hosts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::mailsvc::outbound {

struct NextHop {
  std::string host;          // lower-case name, or a numeric IPv4/IPv6 address (no brackets)
  std::uint16_t port = 25;
  bool mx_lookup = true;     // false: the A/AAAA of host (or host itself, when it is an IP)
  bool relay = false;        // from relay_host: a lookup failure defers mail, never bounces it

  // "smtp.example.org:587", "[smtp.example.org]:25", "[2001:db8::1]:25" (the port is
  // always shown); parse_relay_host(to_string()) gives the same hop back.
  std::string to_string() const;

  bool operator==(const NextHop&) const = default;
};

// relay_host values: "smtp.example.org", "smtp.example.org:587", "[smtp.example.org]:587",
// "[10.0.0.1]", "[2001:db8::1]:25", "[ipv6:2001:db8::1]". A bare IP address ("10.0.0.1")
// is taken as "[10.0.0.1]" (an MX lookup of an address is never what was meant).
// Errors name the value: relay_host "x:y": bad port "y": expected a number from 1 to 65535.
Result<NextHop> parse_relay_host(std::string_view value);

// Direct delivery to a recipient domain: an MX lookup on port 25, or, for an address
// literal domain ("user@[192.0.2.1]"), that address. The name is checked at lookup.
NextHop next_hop_for_domain(std::string_view domain);

}  // namespace hamail::mailsvc::outbound
