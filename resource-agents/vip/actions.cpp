// start / stop / monitor / validate-all over Netlink, the duplicate probe and announce().
// The interface is the nic parameter, else the one whose connected subnet holds ip.
#include "actions.h"

#include "announce.h"
#include "duplicate_probe.h"
#include "netlink.h"
#include "raw_socket.h"

namespace hamail::vip {

namespace {

Outcome generic(std::string reason) { return {OcfRc::err_generic, std::move(reason)}; }

std::string where(const VipParams& p) { return p.ip.to_string() + "/" + std::to_string(p.prefix); }

// The interface to use: an Outcome (error) or the link.
struct Target {
  std::optional<LinkInfo> link;
  Outcome failure;
};

Target resolve_nic(Netlink& nl, const VipParams& p, OcfRc missing_rc) {
  if (!p.nic.empty()) {
    auto l = nl.link_by_name(p.nic);
    if (!l) return {std::nullopt, generic(l.error())};
    if (!*l) return {std::nullopt, {missing_rc, "nic '" + p.nic + "' does not exist on this node"}};
    return {*l, {}};
  }
  auto all = nl.addresses(p.ip.family);
  if (!all) return {std::nullopt, generic(all.error())};
  int ifindex = connected_ifindex(*all, p.ip);
  if (ifindex == 0)
    return {std::nullopt, {missing_rc, "no interface has a connected subnet containing " + p.ip.to_string() +
                                           ": set the nic parameter"}};
  auto l = nl.link_by_index(ifindex);
  if (!l) return {std::nullopt, generic(l.error())};
  if (!*l) return {std::nullopt, generic("interface #" + std::to_string(ifindex) + " vanished")};
  return {*l, {}};
}

Outcome label_check(const VipParams& p, const LinkInfo& link) {
  if (!p.label.empty() && p.label.rfind(link.name, 0) != 0)
    return {OcfRc::not_configured, "label '" + p.label + "' must start with the interface name '" + link.name + "'"};
  return {};
}

Outcome failed_socket(const std::string& error) {
  return {RawSocket::is_permission_error(error) ? OcfRc::err_perm : OcfRc::err_generic, error};
}

}  // namespace

Outcome vip_start(const VipParams& p) {
  auto nl = Netlink::open();
  if (!nl) return generic(nl.error());
  Target t = resolve_nic(*nl, p, OcfRc::err_generic);
  if (!t.link) return t.failure;
  const LinkInfo& link = *t.link;
  if (Outcome o = label_check(p, link); o.rc != OcfRc::success) return o;
  if (!link.admin_up || !link.running)
    return generic("cannot start " + where(p) + ": " + link.name + " is " + (link.admin_up ? "up without carrier" : "down"));
  auto sock = open_link_socket(link, p.ip);
  if (!sock) return failed_socket(sock.error());
  if (p.check_duplicate) {
    auto other = find_other_owner(*sock, link, p.ip);
    if (!other) return failed_socket("duplicate address probe: " + other.error());
    if (*other)
      return generic(p.ip.to_string() + " already answers from " + mac_to_string(**other) + " on " + link.name +
                     " (another machine holds it): refusing to start a duplicate address");
  }
  if (Status s = nl->add_address(link, p.ip, p.prefix, p.label); !s)
    return {s.message().find("Operation not permitted") != std::string::npos ? OcfRc::err_perm : OcfRc::err_generic,
            s.message()};
  if (Status s = announce(*sock, link, p); !s) return failed_socket("address added, but announcing it failed: " + s.message());
  return {};
}

Outcome vip_stop(const VipParams& p) {
  auto nl = Netlink::open();
  if (!nl) return generic(nl.error());
  int ifindex = 0;
  if (!p.nic.empty()) {
    auto l = nl->link_by_name(p.nic);
    if (!l) return generic(l.error());
    if (!*l) return {};  // no such interface: the address cannot be on it
    ifindex = (*l)->ifindex;
  }
  auto all = nl->addresses(p.ip.family);
  if (!all) return generic(all.error());
  auto here = find_address(*all, p.ip, ifindex);
  if (!here) return {};
  if (Status s = nl->delete_address(here->ifindex, p.ip, here->prefix); !s) return generic(s.message());
  return {};
}

Outcome vip_monitor(const VipParams& p) {
  auto nl = Netlink::open();
  if (!nl) return generic(nl.error());
  int ifindex = 0;
  if (!p.nic.empty()) {
    auto l = nl->link_by_name(p.nic);
    if (!l) return generic(l.error());
    if (!*l) return {OcfRc::not_running, ""};
    ifindex = (*l)->ifindex;
  }
  auto all = nl->addresses(p.ip.family);
  if (!all) return generic(all.error());
  auto here = find_address(*all, p.ip, ifindex);
  if (!here) return {OcfRc::not_running, ""};
  auto link = nl->link_by_index(here->ifindex);
  if (!link) return generic(link.error());
  if (!*link) return {OcfRc::not_running, ""};
  if (!(*link)->admin_up || !(*link)->running)
    return generic(p.ip.to_string() + " is configured on " + (*link)->name + " but " + (*link)->name +
                   ((*link)->admin_up ? " has no carrier" : " is down"));
  return {};
}

Outcome vip_validate(const VipParams& p) {
  auto nl = Netlink::open();
  if (!nl) return generic(nl.error());
  Target t = resolve_nic(*nl, p, OcfRc::not_configured);
  if (!t.link) return t.failure;
  return label_check(p, *t.link);
}

}  // namespace hamail::vip
