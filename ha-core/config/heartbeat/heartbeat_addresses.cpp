// Ring addresses from ha.cf's links. ucast names peers, not owners, so the two addresses
// on an interface are given to the nodes in the order of the `node` lines (a note asks to
// check); what ha.cf never says (bcast, mcast, a one-sided ucast) is a placeholder from the
// documentation ranges (192.0.2.0/24, 2001:db8::/32) that loads but reaches nothing.
#include <algorithm>
#include <map>
#include <set>

#include "hamail/base/yaml_reader.h"
#include "heartbeat_model.h"

namespace hamail::config::heartbeat {
namespace {

constexpr std::size_t kMaxLinks = 8;  // corosync/knet

class Assigner {
 public:
  Assigner(const HaCf& hb, Notes& notes) : hb_(hb), notes_(notes) {
    for (const auto& l : hb.links) used_.insert(l.addrs.begin(), l.addrs.end());
    used_.insert(hb.ping_targets.begin(), hb.ping_targets.end());
    out_.ring.resize(hb.nodes.size());
  }

  NodeAddresses run() {
    if (hb_.links.empty()) {
      add_note(notes_, Section::nodes, "ha.cf", "no ucast, bcast or mcast line: one link with PLACEHOLDER addresses; set each node's cluster address");
      placeholder_link(false, "link 0: PLACEHOLDER addresses (ha.cf names no link): set each node's address");
    }
    for (std::size_t i = 0; i < hb_.links.size(); ++i) {
      const Link& k = hb_.links[i];
      if (i == kMaxLinks) {
        add_note(notes_, Section::nodes, k.where, "not mapped: link on " + k.iface + " and after: corosync has at most 8 links");
        break;
      }
      link(k, i);
    }
    return std::move(out_);
  }

 private:
  void link(const Link& k, std::size_t index) {
    std::string name = "link " + std::to_string(index) + ": " + k.iface + " (" + k.how + ", " + k.where + ")";
    if (k.addrs.empty()) {
      add_note(notes_, Section::nodes, k.where, k.how + " on " + k.iface + " gives no addresses: PLACEHOLDER addresses on link " +
                                                    std::to_string(index) + "; set each node's address on " + k.iface);
      placeholder_link(false, name + ": PLACEHOLDER addresses: set each node's address on " + k.iface);
      return;
    }
    const std::string& first = k.addrs[0];
    bool v6 = is_ipv6_address(first);
    auto same_family = std::find_if(k.addrs.begin() + 1, k.addrs.end(), [&](const std::string& a) { return is_ipv6_address(a) == v6; });
    if (same_family == k.addrs.end()) {
      add_note(notes_, Section::nodes, k.where, "ucast on " + k.iface + " names one peer (" + first + "): given to " + hb_.nodes[1] +
                                                    "; CHECK (if this ha.cf is " + hb_.nodes[1] + "'s, swap them); " + hb_.nodes[0] +
                                                    "'s address on " + k.iface + " is a PLACEHOLDER");
      put(0, placeholder(v6), k.where);
      put(1, first, k.where);
      out_.link_comments.push_back(name + ": " + hb_.nodes[0] + " PLACEHOLDER, " + hb_.nodes[1] + " " + first + " (CHECK)");
      return;
    }
    put(0, first, k.where);
    put(1, *same_family, k.where);
    if (k.addrs.size() > 2)
      add_note(notes_, Section::nodes, k.where, "ucast on " + k.iface + " names more than two addresses: the first two are used");
    out_.link_comments.push_back(name + ": CHECK: ha.cf does not say whose address is whose; given in the order of the `node` lines");
  }

  void placeholder_link(bool v6, const std::string& comment) {
    put(0, placeholder(v6), "");
    put(1, placeholder(v6), "");
    out_.link_comments.push_back(comment);
  }

  // An address that another node already owns is replaced by a placeholder.
  void put(std::size_t node, const std::string& addr, const std::string& at) {
    auto [it, fresh] = owner_.emplace(addr, node);
    if (!fresh && it->second != node) {
      add_note(notes_, Section::nodes, at, addr + " would belong to both nodes: " + hb_.nodes[node] + " gets a PLACEHOLDER instead");
      out_.ring[node].push_back(placeholder(is_ipv6_address(addr)));
      return;
    }
    out_.ring[node].push_back(addr);
  }

  std::string placeholder(bool v6) {
    for (unsigned n = 1;; ++n) {  // at most 16 are taken (8 links x 2 nodes) plus what ha.cf names
      std::string a = v6 ? "2001:db8::" + std::to_string(n) : "192.0.2." + std::to_string(n);
      if (!v6 && n > 254) a = "198.51.100." + std::to_string(n - 254);
      if (used_.insert(a).second) return a;
    }
  }

  const HaCf& hb_;
  Notes& notes_;
  NodeAddresses out_;
  std::set<std::string> used_;
  std::map<std::string, std::size_t> owner_;
};

}  // namespace

NodeAddresses assign_node_addresses(const HaCf& hb, Notes& notes) { return Assigner(hb, notes).run(); }

}  // namespace hamail::config::heartbeat
