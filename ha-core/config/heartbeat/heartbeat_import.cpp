// import_heartbeat(): ha.cf, then its stonith lines, haresources, authkeys; then the YAML.
#include "hamail/hacore/config/heartbeat_import.h"

#include "heartbeat_model.h"

namespace hamail::config {

Result<HeartbeatImport> import_heartbeat(const HeartbeatInput& in) {
  using namespace heartbeat;
  for (const HeartbeatFile* f : {&in.ha_cf, &in.haresources, in.authkeys ? &in.authkeys->file : nullptr}) {
    if (f && f->text.size() > kHeartbeatMaxFileBytes)
      return Error{comment_safe(f->name) + ": larger than 1 MiB: not a Heartbeat configuration file"};
  }
  Notes notes;
  auto ha_cf = parse_ha_cf(in.ha_cf, notes);
  if (!ha_cf) return Error{ha_cf.error()};
  std::vector<FenceDevice> devices = map_stonith(*ha_cf, notes);
  bool fencing = !devices.empty() && fences_every_node(devices, ha_cf->nodes);
  if (!fencing)
    add_note(notes, Section::stonith, in.ha_cf.name,
             "FENCING IS OFF (stonith.enabled: false): no fence device for every node; configure one before production");
  auto res = parse_haresources(in.haresources, *ha_cf, fencing, notes);
  if (!res) return Error{res.error()};
  if (in.authkeys) check_authkeys(*in.authkeys, notes);
  NodeAddresses addrs = assign_node_addresses(*ha_cf, notes);
  HeartbeatImport out;
  out.yaml = render_cluster_yaml(in, *ha_cf, addrs, devices, *res, notes);
  for (auto& n : notes) out.notes.push_back(std::move(n.note));
  return out;
}

}  // namespace hamail::config
