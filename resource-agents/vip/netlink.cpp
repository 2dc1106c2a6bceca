// Netlink: libnl-route-3 links and addresses. libnl objects are released on every path.
#include "netlink.h"

#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/rtnl.h>

#include <cstring>

namespace hamail::vip {

namespace {

std::string nl_error(const std::string& what, int err) { return what + ": " + nl_geterror(err); }

struct AddrFree {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct RtnlAddrFree {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct LinkFree {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct CacheFree {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};

LinkInfo to_link_info(rtnl_link* l) {
  LinkInfo info;
  info.ifindex = rtnl_link_get_ifindex(l);
  if (const char* n = rtnl_link_get_name(l)) info.name = n;
  if (nl_addr* a = rtnl_link_get_addr(l); a && nl_addr_get_len(a) == 6)
    std::memcpy(info.mac.data(), nl_addr_get_binary_addr(a), 6);
  unsigned flags = rtnl_link_get_flags(l);
  info.admin_up = flags & IFF_UP;
  info.running = flags & IFF_RUNNING;
  return info;
}

// The rtnl_addr describing ip/prefix on ifindex (the key the kernel matches on).
Result<std::unique_ptr<rtnl_addr, RtnlAddrFree>> make_addr(int ifindex, const IpAddress& ip, int prefix) {
  std::unique_ptr<rtnl_addr, RtnlAddrFree> a(rtnl_addr_alloc());
  std::unique_ptr<nl_addr, AddrFree> local(nl_addr_build(ip.family, ip.bytes.data(), ip.size()));
  if (!a || !local) return Error{"out of memory building a netlink address"};
  nl_addr_set_prefixlen(local.get(), prefix);
  rtnl_addr_set_ifindex(a.get(), ifindex);
  int err = rtnl_addr_set_local(a.get(), local.get());
  if (err < 0) return Error{nl_error("address " + ip.to_string(), err)};
  rtnl_addr_set_prefixlen(a.get(), prefix);
  return a;
}

}  // namespace

void Netlink::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

Result<Netlink> Netlink::open() {
  nl_sock* s = nl_socket_alloc();
  if (!s) return Error{"netlink: cannot allocate a socket"};
  int err = nl_connect(s, NETLINK_ROUTE);
  if (err < 0) {
    nl_socket_free(s);
    return Error{nl_error("netlink: cannot connect to rtnetlink", err)};
  }
  return Netlink(s);
}

Result<std::optional<LinkInfo>> Netlink::link_by_name(const std::string& name) {
  rtnl_link* l = nullptr;
  int err = rtnl_link_get_kernel(sock_.get(), 0, name.c_str(), &l);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return std::optional<LinkInfo>();
  if (err < 0) return Error{nl_error("netlink: looking up interface " + name, err)};
  std::unique_ptr<rtnl_link, LinkFree> hold(l);
  return std::optional<LinkInfo>(to_link_info(l));
}

Result<std::optional<LinkInfo>> Netlink::link_by_index(int ifindex) {
  rtnl_link* l = nullptr;
  int err = rtnl_link_get_kernel(sock_.get(), ifindex, nullptr, &l);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return std::optional<LinkInfo>();
  if (err < 0) return Error{nl_error("netlink: looking up interface #" + std::to_string(ifindex), err)};
  std::unique_ptr<rtnl_link, LinkFree> hold(l);
  return std::optional<LinkInfo>(to_link_info(l));
}

Result<std::vector<AddressInfo>> Netlink::addresses(int family) {
  nl_cache* c = nullptr;
  int err = rtnl_addr_alloc_cache(sock_.get(), &c);
  if (err < 0) return Error{nl_error("netlink: listing addresses", err)};
  std::unique_ptr<nl_cache, CacheFree> cache(c);
  std::vector<AddressInfo> out;
  for (nl_object* o = nl_cache_get_first(c); o; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    nl_addr* local = rtnl_addr_get_local(a);
    if (rtnl_addr_get_family(a) != family || !local) continue;
    AddressInfo info;
    info.ifindex = rtnl_addr_get_ifindex(a);
    info.prefix = rtnl_addr_get_prefixlen(a);
    info.ip.family = family;
    unsigned len = nl_addr_get_len(local);
    if (len != info.ip.size()) continue;
    std::memcpy(info.ip.bytes.data(), nl_addr_get_binary_addr(local), len);
    if (const char* label = rtnl_addr_get_label(a)) info.label = label;
    out.push_back(std::move(info));
  }
  return out;
}

Status Netlink::add_address(const LinkInfo& link, const IpAddress& ip, int prefix, const std::string& label) {
  auto a = make_addr(link.ifindex, ip, prefix);
  if (!a) return a.status();
  if (ip.is_v4() && prefix <= 30) {
    IpAddress b = ipv4_broadcast(ip, prefix);
    std::unique_ptr<nl_addr, AddrFree> bcast(nl_addr_build(AF_INET, b.bytes.data(), 4));
    if (bcast) rtnl_addr_set_broadcast(a->get(), bcast.get());
  }
  if (!label.empty()) rtnl_addr_set_label(a->get(), label.c_str());
  if (!ip.is_v4()) rtnl_addr_set_flags(a->get(), IFA_F_NODAD);
  int err = rtnl_addr_add(sock_.get(), a->get(), NLM_F_EXCL);
  if (err == -NLE_EXIST) return Status::ok();
  if (err < 0)
    return Error{nl_error("cannot add " + ip.to_string() + "/" + std::to_string(prefix) + " to " + link.name, err)};
  return Status::ok();
}

Status Netlink::delete_address(int ifindex, const IpAddress& ip, int prefix) {
  auto a = make_addr(ifindex, ip, prefix);
  if (!a) return a.status();
  int err = rtnl_addr_delete(sock_.get(), a->get(), 0);
  if (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return Status::ok();
  if (err < 0)
    return Error{nl_error("cannot delete " + ip.to_string() + "/" + std::to_string(prefix) + " from interface #" +
                              std::to_string(ifindex), err)};
  return Status::ok();
}

std::optional<AddressInfo> find_address(const std::vector<AddressInfo>& all, const IpAddress& ip, int ifindex) {
  for (const auto& a : all)
    if (a.ip == ip && (ifindex == 0 || a.ifindex == ifindex)) return a;
  return std::nullopt;
}

int connected_ifindex(const std::vector<AddressInfo>& all, const IpAddress& ip) {
  if (auto here = find_address(all, ip)) return here->ifindex;
  for (const auto& a : all)
    if (in_subnet(ip, a.ip, a.prefix) && a.prefix < ip.max_prefix()) return a.ifindex;
  return 0;
}

}  // namespace hamail::vip
