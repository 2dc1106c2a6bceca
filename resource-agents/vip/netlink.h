// The agent's rtnetlink calls through libnl-route-3: look up interfaces and addresses,
// add and delete an address. Idempotent where OCF wants it; errors name the call and address.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/agents/vip/ip_address.h"
#include "hamail/agents/vip/packets.h"

struct nl_sock;

namespace hamail::vip {

struct LinkInfo {
  int ifindex = 0;
  std::string name;
  MacAddress mac{};
  bool admin_up = false;  // IFF_UP
  bool running = false;   // IFF_RUNNING: carrier, operationally up
};

struct AddressInfo {
  int ifindex = 0;
  IpAddress ip;
  int prefix = 0;
  std::string label;
};

class Netlink {
 public:
  static Result<Netlink> open();

  // nullopt when no such interface.
  Result<std::optional<LinkInfo>> link_by_name(const std::string& name);
  Result<std::optional<LinkInfo>> link_by_index(int ifindex);
  // Every address of this family, on every interface.
  Result<std::vector<AddressInfo>> addresses(int family);
  // Adds ip/prefix (IPv4: with broadcast and label; IPv6: nodad, the agent probed itself).
  // Already present: ok.
  Status add_address(const LinkInfo& link, const IpAddress& ip, int prefix, const std::string& label);
  // Absent: ok.
  Status delete_address(int ifindex, const IpAddress& ip, int prefix);

 private:
  struct SockDeleter {
    void operator()(nl_sock* s) const;
  };
  explicit Netlink(nl_sock* s) : sock_(s) {}
  std::unique_ptr<nl_sock, SockDeleter> sock_;
};

// The address entry for ip (on ifindex, or anywhere when ifindex is 0), if configured.
std::optional<AddressInfo> find_address(const std::vector<AddressInfo>& all, const IpAddress& ip, int ifindex = 0);

// The interface whose connected subnet contains ip: where ip already is, else the first
// other address whose prefix covers it. 0 when none. Pure.
int connected_ifindex(const std::vector<AddressInfo>& all, const IpAddress& ip);

}  // namespace hamail::vip
