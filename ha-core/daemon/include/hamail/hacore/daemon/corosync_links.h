// The state of corosync's knet links to the other nodes, as `corosync-cfgtool -s` shows
// it: readings (LinkReading, made by an adapter from libcfg) go into a CorosyncLinkWatch,
// which says which links went down or came up since the last reading (hacored logs and
// publishes those as events) and renders the last reading for `hactl status --json`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hamail::hacore {

struct KnetLink {
  int index = 0;           // corosync's link number (ring_addrs' position)
  bool connected = false;  // up for data, as this node sees it
  unsigned mtu = 0;
  std::string local_addr, peer_addr;
};

struct PeerLinks {
  std::uint32_t nodeid = 0;
  bool reachable = false;        // knet reaches the node on at least one link
  std::vector<KnetLink> links;   // the enabled ones only
};

// One reading of every other node's links; `error` set when corosync could not be asked.
struct LinkReading {
  std::vector<PeerLinks> peers;
  std::string error;
};

class CorosyncLinkWatch {
 public:
  using NameOf = std::function<std::string(std::uint32_t nodeid)>;

  // The events the change from the last reading makes, ready for the log and the event
  // stream: corosync_link_down / corosync_link_up {node, link, peer_addr}, and
  // corosync_links_unknown {error} / corosync_links_known when corosync stops or starts
  // answering. The first reading reports only links that are down.
  std::vector<nlohmann::json> update(LinkReading reading, const NameOf& name_of);

  // {"ok": true, "nodes": {name: {reachable, links: [{link, connected, mtu, local_addr,
  // peer_addr}]}}} or {"ok": false, "error": ...} ("not read yet" before the first reading).
  const nlohmann::json& status() const { return status_; }

 private:
  bool read_ = false;
  LinkReading last_;
  nlohmann::json status_ = {{"ok", false}, {"error", "not read yet"}};
};

}  // namespace hamail::hacore
