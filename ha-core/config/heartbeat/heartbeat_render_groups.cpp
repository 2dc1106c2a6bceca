// cluster.yaml's stonith, volumes, groups and connectivity sections from the Heartbeat reading.
#include "heartbeat_model.h"

namespace hamail::config::heartbeat {
namespace {

void loud_fencing_off(std::ostream& o) {
  o << "# !!! FENCING IS OFF. ha.cf has no stonith this import could map to a fence device for\n"
    << "# !!! every node. Without fencing a lost node is NOT shot: after a cut of the cluster links\n"
    << "# !!! BOTH nodes run the groups, mount the volume and take the VIP (hacored warns at every\n"
    << "# !!! start). Configure a device per node (fence_ipmilan, fence_apc, fence_virsh ...) and\n"
    << "# !!! set enabled: true before this cluster carries mail.\n";
}

}  // namespace

void render_stonith(std::ostream& o, const std::vector<FenceDevice>& devices, bool enabled, const Notes& notes) {
  write_notes(o, notes, Section::stonith);
  if (!enabled) loud_fencing_off(o);
  o << "stonith:                              # a lost node's groups start elsewhere only once it is fenced\n"
    << "  enabled: " << (enabled ? "true" : "false") << "\n"
    << "  action: reboot                      # Heartbeat's stonith reset\n"
    << "  timeout: 60s\n"
    << "  priority_delay: 5s                  # the two-node race: the node without the groups waits\n";
  if (devices.empty()) {
    o << "  devices: []\n\n";
    return;
  }
  o << "  devices:\n";
  for (const auto& d : devices) {
    for (const auto& c : d.comments) write_comment(o, "    ", c);
    o << "    - name: " << yaml_quote(d.name) << "\n"
      << "      agent: " << d.agent << "\n"
      << "      hosts: " << flow_list(d.hosts) << "\n"
      << "      params: " << flow_map(d.params) << "\n"
      << "      password_file: " << yaml_quote(d.password_file) << "\n";
  }
  o << "\n";
}

void render_volumes(std::ostream& o, const Haresources& res, const Notes& notes) {
  write_notes(o, notes, Section::volumes);
  if (res.volumes.empty()) return;
  o << "# drbd-lite volumes, one per drbddisk. Heartbeat never knew what drbd.conf held: the lower\n"
    << "# device, the port, the secret. CHECK each PLACEHOLDER (`drbdlite config check` reads this section).\n"
    << "volumes:\n";
  int port = 7789;
  for (const auto& v : res.volumes) {
    o << "  - name: " << yaml_quote(v.name) << "                 # drbddisk::" << comment_safe(v.name) << " ("
      << comment_safe(v.where) << ")\n"
      << "    device: " << yaml_quote("/dev/CHANGE-ME-lower-device-of-" + v.name)
      << "   # PLACEHOLDER: drbd.conf's `disk` (block device or file), same path on both nodes\n"
      << "    meta: internal                    # CHECK: drbd-lite's metadata is its own: the device is new to it\n"
      << "    protocol: C                       # a write is acknowledged once on both disks\n"
      << "    port: " << port++ << "\n"
      << "    secret_file: " << yaml_quote("/etc/hamail/" + v.name + ".secret")
      << "   # create it: a shared secret, mode 0600, the same on both nodes\n"
      << "    fencing: resource-and-stonith     # a Primary that loses its peer freezes I/O until ha-core answers\n"
      << "    handlers:\n"
      << "      fence_peer: /usr/bin/hactl fence-peer --volume \"$DRBD_RESOURCE\"\n"
      << "      unfence_peer: /usr/bin/hactl unfence-peer --volume \"$DRBD_RESOURCE\"\n";
  }
  o << "\n";
}

void render_groups(std::ostream& o, const HaCf& hb, const Haresources& res, const Notes& notes) {
  write_notes(o, notes, Section::groups);
  o << "# Heartbeat v1 never monitored a resource: the monitors below are hamail's defaults.\n";
  if (res.groups.empty()) {
    o << "groups: []\n\n";
    return;
  }
  bool failback = hb.auto_failback.value_or(true);
  std::string why = !hb.auto_failback ? "ha.cf sets no auto_failback: Heartbeat's default (legacy) moved groups back"
                    : failback        ? "ha.cf auto_failback on: back to the preferred node when it returns"
                                      : "ha.cf auto_failback off: the group stays where it runs (stickiness)";
  o << "groups:                               # started top to bottom, stopped bottom to top\n";
  for (const auto& g : res.groups) {
    for (const auto& c : g.comments) write_comment(o, "  ", c);
    o << "  - name: " << yaml_quote(g.name) << "\n"
      << "    preferred_node: " << yaml_quote(g.preferred_node) << "\n"
      << "    auto_failback: " << (failback ? "true" : "false") << "   # " << why << "\n"
      << "    resources:\n";
    for (const auto& r : g.resources) {
      for (const auto& c : r.comments) write_comment(o, "      ", c);
      o << "      - name: " << yaml_quote(r.name) << "\n"
        << "        agent: " << yaml_quote(r.agent) << "\n";
      if (r.promotable) o << "        promotable: true\n";
      if (!r.params.empty()) o << "        params: " << flow_map(r.params) << "\n";
      o << "        ops: " << r.ops << "\n";
    }
  }
  o << "\n";
}

void render_connectivity(std::ostream& o, const HaCf& hb, const Notes& notes) {
  write_notes(o, notes, Section::connectivity);
  if (hb.ping_targets.empty()) return;
  if (!hb.ipfail) {
    o << "# ha.cf's ping nodes without ipfail moved nothing; to give groups up on a node that loses them:\n"
      << "# connectivity:\n"
      << "#   targets: " << comment_safe(flow_list(hb.ping_targets)) << "\n";
    return;
  }
  o << "connectivity:                         # ipfail: a node that loses its ping targets gives its groups up\n"
    << "  targets: " << flow_list(hb.ping_targets) << "\n"
    << "  interval: 2s\n"
    << "  failures: 3\n";
}

}  // namespace hamail::config::heartbeat
