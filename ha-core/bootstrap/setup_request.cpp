#include "hamail/hacore/bootstrap/setup_request.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "hamail/base/yaml_reader.h"

namespace hamail::bootstrap {
namespace {

using config::is_ip_address;
using config::is_ipv6_address;
using config::is_plain_name;

// One NODE=VALUE word, with the option it came with ("" for the positional node words),
// kept as written for error messages.
struct Assignment {
  std::string option;
  std::string word;
  std::string key;
  std::string value;
  std::string where() const { return option.empty() ? word : option + " " + word; }
};

std::optional<Assignment> split_assignment(const std::string& option, const std::string& word) {
  auto eq = word.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == word.size()) return std::nullopt;
  return Assignment{option, word, word.substr(0, eq), word.substr(eq + 1)};
}

// Letters, digits and / . _ - + : @ % (drbd-lite's %n): a path that needs no escaping anywhere.
bool plain_device_path(const std::string& p) {
  if (!config::is_absolute_path(p)) return false;
  return std::all_of(p.begin(), p.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("/._-+:@%").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

struct Words {
  std::string name;
  std::vector<Assignment> nodes, ring2, replication, volumes;
};

Result<Words> split_words(const std::vector<std::string>& args) {
  Words w;
  std::map<std::string, std::vector<Assignment>*> lists = {
      {"--ring2", &w.ring2}, {"--replication", &w.replication}, {"--volume", &w.volumes}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool is_option = a.size() > 1 && a[0] == '-';
    if (!is_option) {
      auto n = split_assignment("", a);
      if (!n) return Error{"'" + a + "': expected NODE=ADDRESS (e.g. mail-ha1=192.0.2.11)"};
      w.nodes.push_back(*n);
      continue;
    }
    if (a != "--name" && !lists.count(a)) return Error{"unknown option " + a};
    if (i + 1 == args.size()) return Error{a + " needs a value"};
    const std::string& v = args[++i];
    if (a == "--name") {
      if (!w.name.empty()) return Error{"--name is given twice"};
      w.name = v;
      continue;
    }
    auto asg = split_assignment(a, v);
    if (!asg) return Error{a + " " + v + ": expected " + (a == "--volume" ? "NAME=DEVICE (e.g. r0=/dev/vg/mail)" : "NODE=ADDRESS")};
    lists[a]->push_back(*asg);
  }
  return w;
}

Result<std::vector<SetupNode>> read_nodes(const Words& w) {
  if (w.nodes.size() != 2)
    return Error{"two nodes are needed (NODE=ADDRESS each, e.g. mail-ha1=192.0.2.11 mail-ha2=192.0.2.12), found " +
                 std::to_string(w.nodes.size())};
  std::vector<SetupNode> nodes;
  for (const auto& n : w.nodes) {
    if (!is_plain_name(n.key))
      return Error{n.where() + ": '" + n.key + "' is not a host name (letters, digits, '-', '_', '.'; at most 63)"};
    if (!nodes.empty() && nodes[0].name == n.key) return Error{n.where() + ": node " + n.key + " is named twice"};
    if (!is_ip_address(n.value)) return Error{n.where() + ": '" + n.value + "' is not an IPv4 or IPv6 address"};
    nodes.push_back(SetupNode{n.key, {n.value}, ""});
  }
  return nodes;
}

// --ring2 / --replication: once per node, a node of the two, an address.
Result<std::map<std::string, const Assignment*>> per_node(const std::vector<Assignment>& list,
                                                          const std::vector<SetupNode>& nodes) {
  std::map<std::string, const Assignment*> out;
  for (const auto& a : list) {
    if (a.key != nodes[0].name && a.key != nodes[1].name)
      return Error{a.where() + ": no node named " + a.key + " (the nodes are " + nodes[0].name + " and " +
                   nodes[1].name + ")"};
    if (!out.emplace(a.key, &a).second) return Error{a.where() + ": " + a.option + " is given twice for " + a.key};
    if (!is_ip_address(a.value)) return Error{a.where() + ": '" + a.value + "' is not an IPv4 or IPv6 address"};
  }
  return out;
}

Status add_addresses(const Words& w, std::vector<SetupNode>& nodes) {
  auto ring2 = per_node(w.ring2, nodes);
  if (!ring2) return Error{ring2.error()};
  if (!ring2->empty() && ring2->size() != 2) {
    const std::string& missing = ring2->count(nodes[0].name) ? nodes[1].name : nodes[0].name;
    return Error{"--ring2: a second link needs an address on both nodes; none for " + missing};
  }
  auto replication = per_node(w.replication, nodes);
  if (!replication) return Error{replication.error()};
  for (auto& n : nodes) {
    if (auto it = ring2->find(n.name); it != ring2->end()) {
      if (it->second->value == n.ring_addrs[0])
        return Error{it->second->where() + ": the same address as " + n.name + "'s link 0"};
      n.ring_addrs.push_back(it->second->value);
    }
    auto r = replication->find(n.name);
    n.replication_addr = r != replication->end() ? r->second->value : n.ring_addrs[0];
  }
  for (std::size_t l = 0; l < nodes[0].ring_addrs.size(); ++l)
    if (is_ipv6_address(nodes[0].ring_addrs[l]) != is_ipv6_address(nodes[1].ring_addrs[l]))
      return Error{(l == 0 ? w.nodes[1].where() : ring2->at(nodes[1].name)->where()) + ": link " + std::to_string(l) +
                   " mixes IPv4 and IPv6 between the nodes"};
  return Status::ok();
}

// No address of one node may be the other's (the loader's rule, said here with the argument).
Status check_distinct(const Words& w, const std::vector<SetupNode>& nodes) {
  auto own = [](const SetupNode& n) {
    auto v = n.ring_addrs;
    v.push_back(n.replication_addr);
    return v;
  };
  auto first = own(nodes[0]);
  for (const auto& a : own(nodes[1])) {
    if (std::find(first.begin(), first.end(), a) == first.end()) continue;
    std::string where = nodes[1].name + "=" + a;
    for (const auto* list : {&w.nodes, &w.ring2, &w.replication})
      for (const auto& x : *list)
        if (x.key == nodes[1].name && x.value == a) where = x.where();
    return Error{where + ": address " + a + " is also " + nodes[0].name + "'s"};
  }
  return Status::ok();
}

Result<std::vector<SetupVolume>> read_volumes(const Words& w) {
  if (w.volumes.size() > kMaxSetupVolumes)
    return Error{"--volume: at most " + std::to_string(kMaxSetupVolumes) + " volumes, found " + std::to_string(w.volumes.size())};
  std::vector<SetupVolume> out;
  for (const auto& v : w.volumes) {
    if (!is_plain_name(v.key))
      return Error{v.where() + ": a volume name is letters, digits, '-', '_' or '.' (at most 63)"};
    for (const auto& o : out)
      if (o.name == v.key) return Error{v.where() + ": volume " + v.key + " is named twice"};
    if (!plain_device_path(v.value))
      return Error{v.where() + ": the device must be an absolute path of letters, digits and / . _ - + : @ %"};
    out.push_back(SetupVolume{v.key, v.value});
  }
  return out;
}

}  // namespace

Result<SetupRequest> parse_setup_request(const std::vector<std::string>& args) {
  auto w = split_words(args);
  if (!w) return Error{w.error()};
  if (w->name.empty()) return Error{"--name NAME is required (the cluster's name, corosync's cluster_name)"};
  if (!is_plain_name(w->name))
    return Error{"--name " + w->name + ": a cluster name is letters, digits, '-', '_' or '.' (at most 63)"};
  auto nodes = read_nodes(*w);
  if (!nodes) return Error{nodes.error()};
  if (auto st = add_addresses(*w, *nodes); !st) return Error{st.message()};
  if (auto st = check_distinct(*w, *nodes); !st) return Error{st.message()};
  auto volumes = read_volumes(*w);
  if (!volumes) return Error{volumes.error()};
  return SetupRequest{w->name, std::move(*nodes), std::move(*volumes)};
}

}  // namespace hamail::bootstrap
