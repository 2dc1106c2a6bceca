// The vip agent's parameters (OCF_RESKEY_*), parsed and checked without touching the
// system: every problem is reported at once, each naming its parameter.
#pragma once

#include <map>
#include <string>

#include "hamail/base/result.h"
#include "hamail/agents/vip/ip_address.h"

namespace hamail::vip {

struct VipParams {
  IpAddress ip;
  int prefix = 0;              // cidr_netmask: default 24 (IPv4) / 64 (IPv6)
  std::string nic;             // empty: the interface whose connected subnet holds ip
  std::string label;           // IPv4 only, e.g. eth0:mail
  int arp_count = 5;           // announcements sent after the address is added
  int arp_interval_ms = 200;   // spacing between them (the first goes out at once)
  bool check_duplicate = true; // probe for another owner before adding
};

inline constexpr int kMaxArpCount = 100;
inline constexpr int kMaxArpIntervalMs = 10000;

// params: parameter name (without OCF_RESKEY_) -> value, e.g. {"ip", "10.0.0.10"}.
Result<VipParams> parse_vip_params(const std::map<std::string, std::string>& params);

// Parsing helpers, exposed for the tests.
Result<int> parse_prefix(const std::string& text, const IpAddress& ip);
Result<bool> parse_bool(const std::string& text);
bool valid_ifname(const std::string& name);

}  // namespace hamail::vip
