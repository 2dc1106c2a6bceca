#include "hamail/mailsvc/dnsd/address_range.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace hamail::mailsvc::dnsd {

Result<AddressRange> AddressRange::parse(const std::string& text) {
  AddressRange r;
  std::string addr = text;
  std::string bits;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    addr = text.substr(0, slash);
    bits = text.substr(slash + 1);
  }
  if (inet_pton(AF_INET, addr.c_str(), r.bytes.data()) == 1) {
    r.v6 = false;
    r.prefix = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), r.bytes.data()) == 1) {
    r.v6 = true;
    r.prefix = 128;
  } else {
    return Error{"'" + text + "' is not an IPv4 or IPv6 address or prefix"};
  }
  if (!bits.empty()) {
    unsigned max = r.prefix;
    if (bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos || std::stoul(bits) > max)
      return Error{"'" + text + "': the prefix length must be 0.." + std::to_string(max)};
    r.prefix = static_cast<unsigned>(std::stoul(bits));
  }
  return r;
}

bool address_bytes(const sockaddr* addr, bool& v6, std::array<std::uint8_t, 16>& out) {
  out.fill(0);
  if (addr->sa_family == AF_INET) {
    v6 = false;
    std::memcpy(out.data(), &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, 4);
    return true;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* a6 = &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a6)) {
      v6 = false;
      std::memcpy(out.data(), reinterpret_cast<const std::uint8_t*>(a6) + 12, 4);
    } else {
      v6 = true;
      std::memcpy(out.data(), a6, 16);
    }
    return true;
  }
  return false;
}

bool AddressRange::contains(const sockaddr* addr) const {
  bool is_v6 = false;
  std::array<std::uint8_t, 16> b{};
  if (!address_bytes(addr, is_v6, b) || is_v6 != v6) return false;
  unsigned full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(b.data(), bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (b[full] & mask) == (bytes[full] & mask);
}

std::string AddressRange::to_text() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(prefix);
}

}  // namespace hamail::mailsvc::dnsd
