// cluster.yaml for a new cluster: its nodes, links and secrets, fencing off until the
// admin names devices, no groups yet (a commented example shows the usual mail group).
// Every value was checked by parse_setup_request(): names are plain, addresses numeric,
// device paths plain, so quoting needs no escapes.
#include "setup_cluster_yaml.h"

#include <sstream>

#include "hamail/hacore/bootstrap/bootstrap_plan.h"

namespace hamail::bootstrap {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string address_list(const std::vector<std::string>& addrs) {
  std::string out = "[";
  for (std::size_t i = 0; i < addrs.size(); ++i) out += (i ? ", " : "") + quoted(addrs[i]);
  return out + "]";
}

void header_and_cluster(std::ostream& o, const SetupRequest& r) {
  o << "# cluster.yaml written by `hactl cluster setup`: the one file that describes the cluster,\n"
    << "# identical on both nodes (hacored compares a hash at join). Next: name your fence devices\n"
    << "# (stonith:) and your resource groups (groups:), check with\n"
    << "#   hactl config validate " << kClusterYamlPath << "\n"
    << "# and copy the file to the other node. A change of nodes: or timing: also needs\n"
    << "# `hactl config corosync` into /etc/corosync/corosync.conf on both nodes.\n"
    << "# Durations take a unit (500ms, 3s, 2m); sizes take K, M, G or T.\n\n"
    << "cluster:\n"
    << "  name: " << quoted(r.cluster_name) << "\n"
    << "  crypto:                             # knet encryption of the cluster ring\n"
    << "    cipher: aes256\n"
    << "    hash: sha256\n"
    << "    authkey: " << kAuthkeyPath << "    # written by the setup, mode 0400, the same on both nodes\n\n";
}

void nodes(std::ostream& o, const SetupRequest& r) {
  o << "nodes:                                # names are the hosts' names (uname -n)\n";
  for (std::size_t i = 0; i < r.nodes.size(); ++i) {
    const SetupNode& n = r.nodes[i];
    o << "  - name: " << quoted(n.name) << "\n"
      << "    id: " << (i + 1) << "\n"
      << "    ring_addrs: " << address_list(n.ring_addrs) << "   # one address per corosync link, link 0 first\n"
      << "    replication_addr: " << quoted(n.replication_addr) << "   # drbd-lite's link\n";
  }
  o << "\n";
}

void quorum_timing_stonith(std::ostream& o) {
  o << "quorum:\n"
    << "  two_node: true                      # the survivor keeps quorum: fencing decides a split\n"
    << "  wait_for_all: true                  # after a full stop, wait until both nodes were seen once\n\n"
    << "timing:\n"
    << "  token: 3000ms                       # a lost node is noticed after about token + consensus (~6.6 s)\n\n"
    << "# !!! FENCING IS OFF until you name a device for each node: without it a lost node is NOT\n"
    << "# !!! shot, and after a cut of the cluster links BOTH nodes may run the groups, mount the\n"
    << "# !!! volume and take the virtual IP. Add the devices, set enabled: true, then add groups.\n"
    << "stonith:\n"
    << "  enabled: false\n"
    << "  action: reboot\n"
    << "  timeout: 60s\n"
    << "  priority_delay: 5s                  # the two-node race: the node without the groups waits\n"
    << "  devices: []\n"
    << "  # devices:                          # e.g. one IPMI device per node (any fence-agents program)\n"
    << "  #   - name: ipmi-NODE\n"
    << "  #     agent: fence_ipmilan\n"
    << "  #     hosts: [NODE]\n"
    << "  #     params: {ip: IPMI-ADDRESS, username: admin, lanplus: \"1\"}\n"
    << "  #     password_file: /etc/hamail/ipmi-NODE.pass   # 0600, on both nodes\n\n";
}

void volumes(std::ostream& o, const SetupRequest& r) {
  if (r.volumes.empty()) {
    o << "# No replicated volume: `hactl cluster setup --volume NAME=DEVICE` makes one with its\n"
      << "# secret (conf/cluster.yaml in hamail's sources explains every key of volumes:).\n\n";
    return;
  }
  o << "volumes:                              # drbd-lite replicated block devices\n";
  for (std::size_t i = 0; i < r.volumes.size(); ++i) {
    const SetupVolume& v = r.volumes[i];
    o << "  - name: " << quoted(v.name) << "\n"
      << "    device: " << quoted(v.device) << "   # lower device, the same path on both nodes\n"
      << "    meta: internal                    # at the end of the lower device\n"
      << "    protocol: C                       # a write is acknowledged once on both disks\n"
      << "    port: " << (7789 + i) << "\n"
      << "    secret_file: " << quoted(secret_path(v.name)) << "   # written by the setup, 0600, the same on both nodes\n"
      << "    nbd_socket: " << quoted("/run/drbd-lite/" + v.name + ".nbd") << "\n"
      << "    fencing: resource-and-stonith     # a Primary that loses its peer freezes I/O until ha-core answers\n"
      << "    handlers:\n"
      << "      fence_peer: /usr/bin/hactl fence-peer --volume \"$DRBD_RESOURCE\"\n"
      << "      unfence_peer: /usr/bin/hactl unfence-peer --volume \"$DRBD_RESOURCE\"\n";
  }
  o << "\n";
}

void groups_and_rest(std::ostream& o, const SetupRequest& r) {
  std::string volume = r.volumes.empty() ? "r0" : r.volumes[0].name;
  o << "groups: []                            # started top to bottom, stopped bottom to top, on one node\n"
    << "# groups:                             # e.g. the mail service on " << r.nodes[0].name << ":\n"
    << "#   - name: mail\n"
    << "#     preferred_node: " << r.nodes[0].name << "\n"
    << "#     resources:\n"
    << "#       - {name: mail-vip, agent: ocf:hamail:vip, params: {ip: VIRTUAL-IP, cidr_netmask: \"24\"}}\n"
    << "#       - {name: dnsd, agent: ocf:hamail:mailsvc, params: {service: dnsd, config: /etc/hamail/dnsd.yaml}}\n"
    << "#       - {name: mail-volume, agent: ocf:hamail:volume, promotable: true, params: {volume: " << volume << "}}\n"
    << "#       - name: mail-fs\n"
    << "#         agent: ocf:hamail:filesystem\n"
    << "#         params: {device: /run/hamail/dev/" << volume << ", directory: /srv/mail, fstype: ext4}\n"
    << "#       - {name: smtpd, agent: ocf:hamail:mailsvc, params: {service: smtpd, config: /etc/hamail/smtpd.yaml}}\n"
    << "#       - {name: pop3d, agent: ocf:hamail:mailsvc, params: {service: pop3d, config: /etc/hamail/pop3d.yaml}}\n"
    << "#       - {name: imapd, agent: ocf:hamail:mailsvc, params: {service: imapd, config: /etc/hamail/imapd.yaml}}\n\n"
    << "control:\n"
    << "  socket: /run/hamail/hacored.sock    # hactl talks to hacored here\n"
    << "  group: haclient                     # root and this group may use every hactl command\n\n"
    << "logging:\n"
    << "  file: /var/log/hamail/hacored.log   # in addition to stderr (journald)\n"
    << "  level: info\n";
}

}  // namespace

std::string secret_path(const std::string& volume) { return "/etc/hamail/" + volume + ".secret"; }

std::string render_setup_cluster_yaml(const SetupRequest& r) {
  std::ostringstream o;
  header_and_cluster(o, r);
  nodes(o, r);
  quorum_timing_stonith(o);
  volumes(o, r);
  groups_and_rest(o, r);
  return o.str();
}

}  // namespace hamail::bootstrap
