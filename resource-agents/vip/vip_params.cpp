// parse_vip_params(): strict parsing of the agent's parameters, all errors at once.
#include "hamail/agents/vip/vip_params.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace hamail::vip {

namespace {

Result<int> parse_int(const std::string& text, int lo, int hi) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return Error{"'" + text + "' is not a whole number"};
  if (v < lo || v > hi)
    return Error{"'" + text + "' is out of range " + std::to_string(lo) + "-" + std::to_string(hi)};
  return v;
}

// A dotted IPv4 netmask (255.255.255.0) as a prefix length, if it is a contiguous mask.
Result<int> netmask_to_prefix(const std::string& text) {
  auto m = parse_ip(text);
  if (!m || !m->is_v4()) return Error{"'" + text + "' is neither a prefix length nor a netmask"};
  std::uint32_t v = (std::uint32_t(m->bytes[0]) << 24) | (std::uint32_t(m->bytes[1]) << 16) |
                    (std::uint32_t(m->bytes[2]) << 8) | m->bytes[3];
  int prefix = 0;
  while (prefix < 32 && (v & (0x80000000u >> prefix))) ++prefix;
  std::uint32_t expect = prefix == 0 ? 0 : ~((1ull << (32 - prefix)) - 1) & 0xffffffffu;
  if (v != expect) return Error{"'" + text + "' is not a contiguous netmask"};
  return prefix;
}

const std::string* find(const std::map<std::string, std::string>& p, const char* key) {
  auto it = p.find(key);
  return it == p.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

Result<int> parse_prefix(const std::string& text, const IpAddress& ip) {
  if (ip.is_v4() && text.find('.') != std::string::npos) return netmask_to_prefix(text);
  auto v = parse_int(text, 1, ip.max_prefix());
  if (!v) return Error{v.error() + (ip.is_v4() ? " for an IPv4 address" : " for an IPv6 address")};
  return v;
}

Result<bool> parse_bool(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "true" || t == "yes" || t == "1" || t == "on") return true;
  if (t == "false" || t == "no" || t == "0" || t == "off") return false;
  return Error{"'" + text + "' is not a boolean (true/false, yes/no, 1/0, on/off)"};
}

bool valid_ifname(const std::string& name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(),
                      [](unsigned char c) { return c == '/' || c <= ' ' || c == 0x7f; });
}

Result<VipParams> parse_vip_params(const std::map<std::string, std::string>& params) {
  VipParams out;
  std::vector<std::string> errors;
  const std::string* ip = find(params, "ip");
  bool have_ip = false;
  if (!ip) {
    errors.push_back("ip: missing (required), e.g. ip=10.0.0.10");
  } else if (auto a = parse_ip(*ip); !a) {
    errors.push_back("ip: " + a.error());
  } else {
    out.ip = *a;
    have_ip = true;
  }
  if (have_ip) {
    out.prefix = out.ip.is_v4() ? 24 : 64;
    if (const auto* v = find(params, "cidr_netmask")) {
      if (auto p = parse_prefix(*v, out.ip)) out.prefix = *p;
      else errors.push_back("cidr_netmask: " + p.error());
    }
  }
  if (const auto* v = find(params, "nic")) {
    if (valid_ifname(*v)) out.nic = *v;
    else errors.push_back("nic: '" + *v + "' is not a valid interface name (1-15 characters, no '/' or spaces)");
  }
  if (const auto* v = find(params, "label")) {
    if (have_ip && !out.ip.is_v4()) errors.push_back("label: labels exist for IPv4 addresses only");
    else if (!valid_ifname(*v)) errors.push_back("label: '" + *v + "' is not a valid label (1-15 characters, no '/' or spaces)");
    else if (!out.nic.empty() && v->rfind(out.nic, 0) != 0)
      errors.push_back("label: '" + *v + "' must start with the nic name '" + out.nic + "' (e.g. " + out.nic + ":mail)");
    else out.label = *v;
  }
  if (const auto* v = find(params, "arp_count")) {
    if (auto n = parse_int(*v, 0, kMaxArpCount)) out.arp_count = *n;
    else errors.push_back("arp_count: " + n.error());
  }
  if (const auto* v = find(params, "arp_interval_ms")) {
    if (auto n = parse_int(*v, 1, kMaxArpIntervalMs)) out.arp_interval_ms = *n;
    else errors.push_back("arp_interval_ms: " + n.error());
  }
  if (const auto* v = find(params, "check_duplicate")) {
    if (auto b = parse_bool(*v)) out.check_duplicate = *b;
    else errors.push_back("check_duplicate: " + b.error());
  }
  if (errors.empty()) return out;
  std::string msg;
  for (const auto& e : errors) msg += (msg.empty() ? "" : "; ") + e;
  return Error{msg};
}

}  // namespace hamail::vip
