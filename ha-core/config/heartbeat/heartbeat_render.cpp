// cluster.yaml text from the Heartbeat reading: every value from the user's files is a
// double-quoted scalar, every note a comment at the top of its section. This file: the
// header, cluster, nodes, quorum and timing; heartbeat_render_groups.cpp the rest.
#include <algorithm>
#include <sstream>

#include "heartbeat_model.h"

namespace hamail::config::heartbeat {
namespace {

void header(std::ostream& o, const HeartbeatInput& in, const Notes& notes) {
  o << "# cluster.yaml imported from Heartbeat v1 by `hactl config import-heartbeat`\n"
    << "# (" << comment_safe(in.ha_cf.name) << ", " << comment_safe(in.haresources.name)
    << (in.authkeys ? ", " + comment_safe(in.authkeys->file.name) : std::string()) << ").\n"
    << "# Read every comment, above all CHECK, PLACEHOLDER and not mapped, then run\n"
    << "#   hactl config validate cluster.yaml\n"
    << "# Keep the file identical on both nodes. Durations take a unit (500ms, 3s).\n";
  write_notes(o, notes, Section::header);
  o << "\n";
}

void cluster(std::ostream& o, const Notes& notes) {
  write_notes(o, notes, Section::cluster);
  o << "cluster:\n"
    << "  name: mail-ha                       # CHECK: Heartbeat clusters have no name (corosync's cluster_name)\n"
    << "  crypto:                             # knet encryption of the cluster ring (Heartbeat's authkeys)\n"
    << "    cipher: aes256\n"
    << "    hash: sha256\n"
    << "    authkey: /etc/corosync/authkey    # made once by corosync-keygen, the same file on both nodes\n\n";
}

void nodes(std::ostream& o, const HaCf& hb, const NodeAddresses& a, bool volumes, const Notes& notes) {
  write_notes(o, notes, Section::nodes);
  o << "nodes:                                # ha.cf's `node` lines (" << comment_safe(hb.nodes_where) << ")\n";
  for (const auto& c : a.link_comments) write_comment(o, "  ", c);
  for (std::size_t i = 0; i < hb.nodes.size(); ++i) {
    o << "  - name: " << yaml_quote(hb.nodes[i]) << "\n"
      << "    id: " << (i + 1) << "\n"
      << "    ring_addrs: " << flow_list(a.ring[i]) << "\n";
    if (volumes)
      o << "    replication_addr: " << yaml_quote(a.ring[i].back())
        << "   # CHECK: drbd-lite's link (drbd.conf's address); Heartbeat never knew it\n";
  }
  o << "\n";
}

void quorum_and_timing(std::ostream& o, const HaCf& hb, const Notes& notes) {
  write_notes(o, notes, Section::quorum);
  o << "quorum:\n"
    << "  two_node: true                      # the survivor keeps quorum: fencing decides a split\n"
    << "  wait_for_all: true                  # after a full stop, wait until both nodes were seen (Heartbeat's initdead)\n\n";
  write_notes(o, notes, Section::timing);
  o << "timing:\n";
  if (!hb.deadtime) {
    o << "  token: 3000ms                       # ha.cf has no deadtime: corosync's usual token; a lost node is\n"
      << "                                      # noticed after token + consensus (2.2 x token), ~6.6 s\n\n";
    return;
  }
  std::int64_t dead = hb.deadtime->count();
  std::int64_t token = std::clamp<std::int64_t>((dead * 10 / 22 + 50) / 100 * 100, 200, 120000);
  std::string value = std::to_string(token) + "ms";
  o << "  token: " << value << std::string(value.size() < 29 ? 29 - value.size() : 1, ' ')
    << "# " << comment_safe(hb.deadtime_where) << ": deadtime " << dead << "ms. Heartbeat declared a node dead\n"
    << "                                      # after deadtime; corosync does after token + consensus (1.2 x token),\n"
    << "                                      # so token = deadtime / 2.2 keeps the same detection time.\n"
    << "                                      # CHECK: 3000ms (~6.6 s) is corosync's usual value; lower it only on a\n"
    << "                                      # quiet, dedicated cluster network\n\n";
}

}  // namespace

std::string render_cluster_yaml(const HeartbeatInput& in, const HaCf& hb, const NodeAddresses& addrs,
                                const std::vector<FenceDevice>& devices, const Haresources& res, const Notes& notes) {
  std::ostringstream o;
  header(o, in, notes);
  cluster(o, notes);
  nodes(o, hb, addrs, !res.volumes.empty(), notes);
  quorum_and_timing(o, hb, notes);
  render_stonith(o, devices, !devices.empty() && fences_every_node(devices, hb.nodes), notes);
  render_volumes(o, res, notes);
  render_groups(o, hb, res, notes);
  render_connectivity(o, hb, notes);
  return o.str();
}

}  // namespace hamail::config::heartbeat
