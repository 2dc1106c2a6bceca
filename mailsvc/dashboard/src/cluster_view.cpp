#include "hamail/mailsvc/dashboard/cluster_view.h"

#include "hamail/mailsvc/dashboard/event_history.h"

#include <algorithm>

namespace hamail::mailsvc::dashboard {

using nlohmann::json;

namespace {

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::uint64_t number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>()
         : it != j.end() && it->is_number_integer() && it->get<std::int64_t>() > 0
             ? static_cast<std::uint64_t>(it->get<std::int64_t>())
             : 0;
}

const json& list(const json& j, const char* key) {
  static const json empty = json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

json source_status(const SourceAnswer& a) {
  if (a.document) return {{"ok", true}};
  return {{"ok", false}, {"error", a.error.empty() ? "no answer" : a.error}};
}

// hacored's reading of corosync's links to `node` ([{link, connected, mtu, local_addr,
// peer_addr}]); null for this node itself, or when corosync could not be asked.
const json* corosync_links_to(const json& status, const std::string& node) {
  auto c = status.find("corosync_links");
  if (c == status.end() || !c->is_object() || !flag(*c, "ok")) return nullptr;
  auto nodes = c->find("nodes");
  if (nodes == c->end() || !nodes->is_object()) return nullptr;
  auto peer = nodes->find(node);
  if (peer == nodes->end() || !peer->is_object()) return nullptr;
  auto links = peer->find("links");
  return links != peer->end() && links->is_array() ? &*links : nullptr;
}

json nodes_of(const json& status) {
  json out = json::array();
  for (const auto& n : list(status, "nodes")) {
    if (!n.is_object()) continue;
    json o = {{"name", text(n, "name")}, {"state", node_state(n)}, {"status", text(n, "status")},
              {"standby", flag(n, "standby")}, {"connectivity_ok", !n.contains("connectivity_ok") || flag(n, "connectivity_ok")},
              {"local", text(n, "name") == text(status, "local_node")}, {"dc", text(n, "name") == text(status, "dc")}};
    if (auto f = n.find("fencing"); f != n.end() && f->is_object()) o["fencing"] = *f;
    if (const json* links = corosync_links_to(status, text(n, "name"))) o["links"] = *links;
    out.push_back(o);
  }
  return out;
}

json groups_of(const json& status) {
  json out = json::array();
  for (const auto& g : list(status, "groups")) {
    if (!g.is_object()) continue;
    json rs = json::array();
    for (const auto& r : list(g, "resources")) {
      if (!r.is_object()) continue;
      json o = {{"name", text(r, "name")}, {"agent", text(r, "agent")},
                {"on", r.contains("on") && r["on"].is_object() ? r["on"] : json::object()}};
      if (auto f = r.find("fail_counts"); f != r.end() && f->is_object()) o["fail_counts"] = *f;
      if (auto d = r.find("degraded"); d != r.end() && d->is_object()) o["degraded"] = *d;
      rs.push_back(o);
    }
    json o = {{"name", text(g, "name")}, {"node", text(g, "node")}, {"resources", rs}};
    if (auto s = g.find("switchover"); s != g.end() && s->is_object()) o["switchover"] = *s;
    out.push_back(o);
  }
  return out;
}

bool syncing(const std::string& conn) {
  return conn == "SyncSource" || conn == "SyncTarget" || conn == "VerifyS" || conn == "VerifyT";
}

json volumes_of(const json& drbd) {
  json out = json::array();
  for (const auto& v : list(drbd, "volumes")) {
    if (!v.is_object()) continue;
    json o = {{"volume", text(v, "volume")}, {"up", flag(v, "up")}, {"node", text(v, "node")}, {"peer", text(v, "peer")}};
    if (flag(v, "up")) {
      for (const char* k : {"role", "peer_role", "connection", "disk", "peer_disk", "fencing", "last_error"})
        if (v.contains(k)) o[k] = text(v, k);
      for (const char* k : {"io_frozen", "fencing_peer", "peer_fenced", "promotion_pending", "link_up"}) o[k] = flag(v, k);
      o["out_of_sync_kib"] = number(v, "out_of_sync_kib");
      std::uint64_t total = number(v, "sync_total_kib"), done = number(v, "sync_done_kib");
      if (syncing(text(v, "connection")) && total > 0) {
        std::uint64_t rate = number(v, "sync_rate_kib_per_s");
        o["sync"] = {{"done_kib", done}, {"total_kib", total},
                     {"percent", static_cast<double>(std::min(done, total) * 10000 / total) / 100.0},
                     {"rate_kib_per_s", rate},
                     {"eta_s", rate > 0 && total > done ? json((total - done + rate - 1) / rate) : json(nullptr)}};
      }
    }
    out.push_back(o);
  }
  return out;
}

// Each fence device's last monitor, from hacored's fencing.devices (its Fencer's health):
// ok is null until the first monitor has run (or when the device is not monitored).
json device_monitors(const json& fencing) {
  json out = json::array();
  auto devices = fencing.find("devices");
  if (devices == fencing.end() || !devices->is_object()) return out;
  for (const auto& [name, d] : devices->items()) {
    if (!d.is_object()) continue;
    json m = {{"name", name}, {"agent", text(d, "agent")}, {"hosts", list(d, "hosts")},
              {"monitored", flag(d, "monitored")}, {"ok", nullptr}};
    if (auto ok = d.find("ok"); ok != d.end() && ok->is_boolean()) {
      m["ok"] = *ok;
      m["detail"] = text(d, "detail");
      if (auto ago = d.find("checked_ago_ms"); ago != d.end() && ago->is_number_unsigned()) m["checked_ago_ms"] = *ago;
    }
    out.push_back(std::move(m));
  }
  return out;
}

json fencing_of(const json& status, const std::vector<json>& events) {
  json f = fencing_from_events(events);
  auto cfg = status.find("fencing");
  f["enabled"] = cfg != status.end() && cfg->is_object() ? flag(*cfg, "enabled") : flag(status, "stonith_enabled");
  if (cfg != status.end() && cfg->is_object()) {
    f["requests"] = list(*cfg, "requests");
    f["outdated"] = list(*cfg, "outdated");
  }
  f["monitors"] = device_monitors(cfg != status.end() && cfg->is_object() ? *cfg : json::object());
  const json& hist = list(status, "fencing_history");
  f["history"] = hist;
  if (f["last_result"].is_null() && !hist.empty()) f["last_result"] = hist.back();
  return f;
}

}  // namespace

std::string node_state(const json& node) {
  std::string st = text(node, "status");
  if (st == "unclean") return "unclean";
  if (st == "offline" || st.empty()) return "off";
  if (flag(node, "standby")) return "standby";
  return "online";
}

json cluster_view(const ClusterSources& sources) {
  json view;
  view["sources"] = {{"hacored", source_status(sources.hacored)}, {"drbdlited", source_status(sources.drbdlited)}};
  const json empty = json::object();
  const json& st = sources.hacored.document && sources.hacored.document->is_object() ? *sources.hacored.document : empty;
  const json& drbd =
      sources.drbdlited.document && sources.drbdlited.document->is_object() ? *sources.drbdlited.document : empty;
  if (sources.hacored.document) {
    view["cluster"] = {{"name", text(st, "cluster")}, {"local_node", text(st, "local_node")}, {"dc", text(st, "dc")},
                       {"quorate", flag(st, "quorate")}, {"maintenance", flag(st, "maintenance")}};
    if (auto t = st.find("transition"); t != st.end() && t->is_object()) view["cluster"]["transition"] = *t;
    if (auto c = st.find("corosync_links"); c != st.end() && c->is_object() && !flag(*c, "ok"))
      view["cluster"]["links_error"] = text(*c, "error");
  } else {
    view["cluster"] = nullptr;
  }
  view["nodes"] = nodes_of(st);
  view["groups"] = groups_of(st);
  view["failed_actions"] = list(st, "failed_actions");
  view["volumes"] = volumes_of(drbd);
  view["fencing"] = fencing_of(st, sources.events);
  view["history"] = switch_history(sources.events);
  return view;
}

}  // namespace hamail::mailsvc::dashboard
