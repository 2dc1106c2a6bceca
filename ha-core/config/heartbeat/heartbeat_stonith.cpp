// Heartbeat stonith plugins -> fence-agents devices. Only IPMI's positional arguments are
// read (address, user); a password is never copied: the device gets a password_file to fill.
#include <algorithm>
#include <set>

#include "hamail/base/yaml_reader.h"
#include "heartbeat_model.h"

namespace hamail::config::heartbeat {
namespace {

struct PluginMap {
  const char* agent;  // nullptr: no usable fence-agents equivalent
  const char* why;    // for the note
};

PluginMap plugin_map(const std::string& plugin) {
  static const std::map<std::string, PluginMap> known = {
      {"external/ipmi", {"fence_ipmilan", "IPMI"}},
      {"ipmilan", {"fence_ipmilan", "IPMI"}},
      {"external/riloe", {"fence_ilo", "HP iLO"}},
      {"external/drac5", {"fence_drac5", "Dell DRAC"}},
      {"drac3", {"fence_drac5", "Dell DRAC (check the fence agent for your DRAC version)"}},
      {"apcmaster", {"fence_apc", "APC power switch"}},
      {"apcsmart", {"fence_apc", "APC power switch"}},
      {"external/rackpdu", {"fence_apc_snmp", "APC rack PDU over SNMP"}},
      {"wti_nps", {"fence_wti", "WTI power switch"}},
      {"wti_mpc", {"fence_wti", "WTI power switch"}},
      {"external/ibmrsa", {"fence_rsa", "IBM RSA"}},
      {"external/libvirt", {"fence_virsh", "libvirt"}},
      {"external/vmware", {"fence_vmware_soap", "VMware"}},
      {"null", {nullptr, "the null plugin fences nothing"}},
      {"ssh", {nullptr, "ssh cannot fence a hung or cut-off node"}},
      {"external/ssh", {nullptr, "ssh cannot fence a hung or cut-off node"}},
      {"suicide", {nullptr, "a node cannot fence itself"}},
      {"meatware", {nullptr, "the operator's confirmation is `hactl fence NODE --confirm-off`"}},
      {"external/sbd", {nullptr, "hamail has no SBD (shared-disk) fencing"}},
  };
  if (auto it = known.find(plugin); it != known.end()) return it->second;
  return {nullptr, "a stonith plugin this import does not know"};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The nodes a stonith line fences: a node named among its arguments, else the node other
// than the one it runs from, else every node.
std::vector<std::string> targets(const StonithLine& s, const HaCf& hb, std::string& how) {
  std::vector<std::string> out;
  for (const auto& a : s.args)
    if (contains(hb.nodes, a) && !contains(out, a)) out.push_back(a);
  if (!out.empty()) {
    how = "the node named in its arguments";
    return out;
  }
  if (contains(hb.nodes, s.from)) {
    for (const auto& n : hb.nodes)
      if (n != s.from) out.push_back(n);
    how = "the node other than " + s.from + ", where Heartbeat ran it";
    return out;
  }
  how = "every node (CHECK: the line names none)";
  return hb.nodes;
}

// external/ipmi: HOST IPADDR USER PASSWD INTERFACE; ipmilan: HOST IPADDR PORT AUTH PRIV USER PASSWD.
void ipmi_params(const StonithLine& s, FenceDevice& d) {
  const auto& a = s.args;
  if (a.size() >= 2 && is_ip_address(a[1])) d.params.emplace_back("ip", a[1]);
  if (s.plugin == "external/ipmi") {
    if (a.size() >= 3 && is_plain_name(a[2])) d.params.emplace_back("username", a[2]);
    if (a.size() >= 5 && a[4] == "lanplus") d.params.emplace_back("lanplus", "1");
  } else if (a.size() >= 6 && is_plain_name(a[5])) {
    d.params.emplace_back("username", a[5]);
  }
}

std::string unique_name(const std::string& base, std::set<std::string>& used) {
  std::string name = base;
  for (int i = 2; used.count(name); ++i) name = base + "-" + std::to_string(i);
  used.insert(name);
  return name;
}

}  // namespace

std::vector<FenceDevice> map_stonith(const HaCf& hb, Notes& notes) {
  std::vector<FenceDevice> out;
  std::set<std::string> used;
  for (const StonithLine& s : hb.stonith) {
    PluginMap m = plugin_map(s.plugin);
    std::string plugin = comment_safe(s.plugin);
    if (!m.agent) {
      add_note(notes, Section::stonith, s.where, "not mapped: stonith plugin " + plugin + ": " + m.why);
      continue;
    }
    FenceDevice d;
    d.agent = m.agent;
    d.where = s.where;
    std::string how;
    d.hosts = targets(s, hb, how);
    bool one = d.hosts.size() == 1 && d.hosts[0].size() <= 50;  // names stay under 63 characters
    d.name = unique_name("fence-" + (one ? d.hosts[0] : std::string("all")), used);
    d.password_file = "/etc/hamail/" + d.name + ".pass";
    d.comments.push_back(s.where + ": Heartbeat's " + plugin + " (" + m.why + ") -> " + m.agent + "; fences " + how);
    if (s.plugin == "external/ipmi" || s.plugin == "ipmilan") {
      ipmi_params(s, d);
      d.comments.push_back("CHECK: address and user read from the plugin's arguments; the password was NOT copied:");
    } else if (s.config_file) {
      d.comments.push_back("CHECK: its settings were in " + comment_safe(s.args[0]) +
                           " (not read): put them in params (the agent's options, see `" + m.agent + " --help`)");
    } else {
      d.comments.push_back("CHECK: the plugin's arguments were NOT copied (they may hold a password): put its settings in params (see `" +
                           std::string(m.agent) + " --help`)");
    }
    d.comments.push_back("write the device password into " + d.password_file + " (mode 0600, both nodes)");
    add_note(notes, Section::stonith, s.where, "stonith " + plugin + " mapped to " + d.agent + " device " + d.name +
                                                    ": CHECK its params and write " + d.password_file);
    out.push_back(std::move(d));
  }
  return out;
}

bool fences_every_node(const std::vector<FenceDevice>& devices, const std::vector<std::string>& nodes) {
  return std::all_of(nodes.begin(), nodes.end(), [&](const std::string& n) {
    return std::any_of(devices.begin(), devices.end(), [&](const FenceDevice& d) { return contains(d.hosts, n); });
  });
}

}  // namespace hamail::config::heartbeat
