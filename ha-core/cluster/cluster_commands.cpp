// ClusterCore: operator commands (validated here, applied everywhere through CPG) and
// the status view for `hactl status`.
#include "hamail/hacore/cluster/cluster_core.h"

namespace hamail::cluster {

using scheduler::NodeStatus;
using scheduler::ResourceStatus;

Result<json> ClusterCore::command(const json& req, std::int64_t now_ms) {
  const std::string cmd = req.value("cmd", "");
  if (!joined_) return Error{"this node is not in the cluster group yet (is corosync running?)"};
  auto node_known = [&](const std::string& n) { return state_.nodes.count(n) > 0; };
  if (cmd == "switchover") {
    std::string group = req.value("group", "");
    if (group.empty()) {
      if (cfg_.groups.size() != 1) return Error{"several groups are configured: name one (hactl switchover GROUP)"};
      group = cfg_.groups.front().name;
    }
    const config::GroupConfig* g = nullptr;
    for (const auto& gr : cfg_.groups)
      if (gr.name == group) g = &gr;
    if (!g) return Error{"no group named '" + group + "'"};
    if (req.value("clear", false)) {
      json m = message("switchover_clear", now_ms);
      m["group"] = group;
      return m;
    }
    if (state_.maintenance) return Error{"maintenance mode is on: nothing moves (hactl maintenance off)"};
    if (state_.switchover && !state_.switchover->done) return Error{"a switchover of " + state_.switchover->group + " is already running"};
    auto from = group_node(*g);
    if (!from) return Error{"group " + group + " is not running anywhere: nothing to switch over"};
    std::string to = req.value("to", "");
    if (to.empty()) {
      for (const auto& n : cfg_.nodes)
        if (n.name != *from) to = n.name;
    }
    if (!node_known(to)) return Error{"no node named '" + to + "'"};
    if (to == *from) return Error{"group " + group + " already runs on " + to};
    const auto& ns = state_.nodes.at(to);
    if (!state_.members.count(to)) return Error{"cannot switch over to " + to + ": it is not in the cluster (" + scheduler::to_string(ns.status) + ")"};
    if (ns.standby) return Error{"cannot switch over to " + to + ": it is in standby (hactl unstandby " + to + ")"};
    if (!quorate_) return Error{"cannot switch over: this partition has no quorum"};
    json m = message("switchover", now_ms);
    m["id"] = (static_cast<std::uint64_t>(now_ms) << 8) | (next_switchover_id_++ & 0xff);
    m["group"] = group;
    m["target"] = to;
    return m;
  }
  if (cmd == "standby" || cmd == "unstandby") {
    std::string node = req.value("node", me_);
    if (!node_known(node)) return Error{"no node named '" + node + "'"};
    json m = message("set_standby", now_ms);
    m["node"] = node;
    m["on"] = cmd == "standby";
    return m;
  }
  if (cmd == "maintenance") {
    json m = message("set_maintenance", now_ms);
    m["on"] = req.value("on", true);
    return m;
  }
  if (cmd == "cleanup" || cmd == "restart") {
    std::string res = req.value("resource", "");
    if (!res.empty() && !resource(res)) return Error{"no resource named '" + res + "'"};
    if (cmd == "restart" && res.empty()) return Error{"restart needs a resource name"};
    if (cmd == "restart") {
      bool active = false;
      for (const auto& [key, st] : state_.resources)
        if (key.first == res && scheduler::is_active(st)) active = true;
      if (!active) return Error{"resource " + res + " is not running: nothing to restart"};
    }
    json m = message(cmd, now_ms);
    m["resource"] = res;
    return m;
  }
  return Error{"unknown command '" + cmd + "'"};
}

json ClusterCore::connectivity_report(bool ok, std::int64_t now_ms) const {
  json m = message("connectivity", now_ms);
  m["node"] = me_;
  m["ok"] = ok;
  m["targets"] = cfg_.connectivity.targets;
  return m;
}

json ClusterCore::shutdown_request(std::int64_t now_ms) const {
  json m = message("leaving", now_ms);  // a transient standby: its groups move away first
  m["node"] = me_;
  return m;
}

bool ClusterCore::runs_nothing_here() const {
  for (const auto& [key, st] : state_.resources)
    if (key.second == me_ && scheduler::is_active(st)) return false;
  return busy_.empty();
}

std::string ClusterCore::node_name(std::uint32_t id) const {
  for (const auto& n : cfg_.nodes)
    if (n.id == id) return n.name;
  return "node" + std::to_string(id);
}

json ClusterCore::status() const {
  json j;
  j["cluster"] = cfg_.name;
  j["local_node"] = me_;
  j["dc"] = dc().value_or("");
  j["quorate"] = quorate_;
  j["maintenance"] = state_.maintenance;
  j["stonith_enabled"] = cfg_.stonith.enabled;
  json nodes = json::array();
  for (const auto& n : cfg_.nodes) {
    const auto& ns = state_.nodes.at(n.name);
    std::string st = scheduler::to_string(ns.status);
    if (ns.status == NodeStatus::online && !state_.probed.count(n.name)) st = "online (probing)";
    nodes.push_back({{"name", n.name}, {"id", n.id}, {"status", st}, {"standby", ns.standby},
                     {"connectivity_ok", ns.connectivity_ok}});
  }
  j["nodes"] = nodes;
  json groups = json::array();
  for (const auto& g : cfg_.groups) {
    json gj = {{"name", g.name}, {"node", group_node(g).value_or("")}};
    json rs = json::array();
    for (const auto& r : g.resources) {
      json where = json::object();
      for (const auto& n : cfg_.nodes) {
        auto it = state_.resources.find({r.name, n.name});
        if (it != state_.resources.end()) where[n.name] = scheduler::to_string(it->second);
      }
      json rj = {{"name", r.name}, {"agent", r.agent}, {"on", where}};
      json fails = json::object();
      for (const auto& [key, rec] : state_.failures)
        if (key.first == r.name) fails[key.second] = rec.count;
      if (!fails.empty()) rj["fail_counts"] = fails;
      rs.push_back(rj);
    }
    gj["resources"] = rs;
    if (state_.switchover && state_.switchover->group == g.name)
      gj["switchover"] = {{"to", state_.switchover->target.value_or("")}, {"done", state_.switchover->done},
                          {"note", state_.switchover->done
                                       ? "placed by an operator switchover (auto_failback would move it back); "
                                         "`hactl switchover " + g.name + " --clear` removes it"
                                       : "in progress"}};
    groups.push_back(gj);
  }
  j["groups"] = groups;
  j["failed_actions"] = json(state_.failed_actions);
  j["fencing_history"] = json(state_.fencing_history);
  if (state_.last_transition) j["last_transition"] = *state_.last_transition;
  if (state_.transition) {
    const auto& t = *state_.transition;
    j["transition"] = {{"id", t.id}, {"done", t.next}, {"actions", t.actions.size()}};
  }
  return j;
}

}  // namespace hamail::cluster
