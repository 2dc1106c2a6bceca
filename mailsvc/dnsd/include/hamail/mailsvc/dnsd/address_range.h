// An IPv4 or IPv6 prefix from the config (allow_transfer: 192.0.2.0/24, ::1, 2001:db8::/32),
// and whether a client address falls in it. A bare address is a /32 or /128.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>

#include "hamail/base/result.h"

namespace hamail::mailsvc::dnsd {

struct AddressRange {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  unsigned prefix = 32;

  static Result<AddressRange> parse(const std::string& text);
  bool contains(const sockaddr* addr) const;
  std::string to_text() const;
};

// The address bytes of a socket address (4 or 16 of `out`), false for another family.
// An IPv4-mapped IPv6 address counts as IPv4.
bool address_bytes(const sockaddr* addr, bool& v6, std::array<std::uint8_t, 16>& out);

}  // namespace hamail::mailsvc::dnsd
