#include "hamail/hacore/daemon/adapters/corosync_link_reader.h"

#include <corosync/cfg.h>
#include <corosync/corotypes.h>

#include <cstring>
#include <string>

#include "hamail/hacore/corosync/membership_source.h"

namespace hamail::hacore {
namespace {

std::string bounded_text(const char* s, std::size_t size) { return std::string(s, ::strnlen(s, size)); }

}  // namespace

LinkReading read_corosync_links(const std::vector<std::uint32_t>& peer_nodeids) {
  LinkReading out;
  corosync_cfg_handle_t handle = 0;
  cs_error_t rc = corosync_cfg_initialize(&handle, nullptr);
  if (rc != CS_OK) {
    out.error = "corosync_cfg_initialize: " + corosync::corosync_error_text(rc);
    return out;
  }
  for (std::uint32_t id : peer_nodeids) {
    corosync_cfg_node_status_v1 st{};
    rc = corosync_cfg_node_status_get(handle, id, CFG_NODE_STATUS_V1, &st);
    if (rc == CS_ERR_NOT_EXIST) {  // corosync has never heard of the node (not in its nodelist)
      out.peers.push_back(PeerLinks{id, false, {}});
      continue;
    }
    if (rc != CS_OK) {
      out.peers.clear();
      out.error = "corosync_cfg_node_status_get(nodeid " + std::to_string(id) + "): " + corosync::corosync_error_text(rc);
      break;
    }
    PeerLinks p{id, st.reachable != 0, {}};
    for (int i = 0; i < CFG_MAX_LINKS; ++i) {
      const auto& l = st.link_status[i];
      if (!l.enabled) continue;
      p.links.push_back(KnetLink{i, l.connected != 0, l.mtu, bounded_text(l.src_ipaddr, sizeof l.src_ipaddr),
                                 bounded_text(l.dst_ipaddr, sizeof l.dst_ipaddr)});
    }
    out.peers.push_back(std::move(p));
  }
  corosync_cfg_finalize(handle);
  return out;
}

}  // namespace hamail::hacore
