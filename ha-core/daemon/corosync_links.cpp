#include "hamail/hacore/daemon/corosync_links.h"

#include <map>
#include <utility>

namespace hamail::hacore {

using nlohmann::json;

namespace {

using LinkKey = std::pair<std::uint32_t, int>;  // node id, link number

std::map<LinkKey, const KnetLink*> by_key(const LinkReading& r) {
  std::map<LinkKey, const KnetLink*> out;
  for (const auto& p : r.peers)
    for (const auto& l : p.links) out[{p.nodeid, l.index}] = &l;
  return out;
}

json link_event(const char* name, const std::string& node, const KnetLink& l) {
  return json{{"event", name}, {"node", node}, {"link", l.index}, {"peer_addr", l.peer_addr}};
}

}  // namespace

std::vector<json> CorosyncLinkWatch::update(LinkReading reading, const NameOf& name_of) {
  std::vector<json> events;
  const bool was_known = read_ && last_.error.empty();
  if (!reading.error.empty()) {
    if (!read_ || was_known) events.push_back(json{{"event", "corosync_links_unknown"}, {"error", reading.error}});
    status_ = json{{"ok", false}, {"error", reading.error}};
  } else {
    if (read_ && !was_known) events.push_back(json{{"event", "corosync_links_known"}});
    auto before = was_known ? by_key(last_) : std::map<LinkKey, const KnetLink*>{};
    json nodes = json::object();
    for (const auto& p : reading.peers) {
      const std::string node = name_of(p.nodeid);
      json links = json::array();
      for (const auto& l : p.links) {
        links.push_back(json{{"link", l.index}, {"connected", l.connected}, {"mtu", l.mtu},
                             {"local_addr", l.local_addr}, {"peer_addr", l.peer_addr}});
        auto it = before.find({p.nodeid, l.index});
        bool was_up = it != before.end() ? it->second->connected : true;  // new or first: report only downs
        if (was_up && !l.connected) events.push_back(link_event("corosync_link_down", node, l));
        if (!was_up && l.connected) events.push_back(link_event("corosync_link_up", node, l));
      }
      nodes[node] = json{{"reachable", p.reachable}, {"links", std::move(links)}};
    }
    status_ = json{{"ok", true}, {"nodes", std::move(nodes)}};
  }
  last_ = std::move(reading);
  read_ = true;
  return events;
}

}  // namespace hamail::hacore
