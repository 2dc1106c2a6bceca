// ClusterCore: operator commands (validated here against the state this node sees,
// applied everywhere through CPG) and the status view for `hactl status`.
#include "hamail/hacore/cluster/cluster_core.h"

namespace hamail::cluster {

using scheduler::NodeStatus;
using scheduler::ResourceStatus;

namespace {
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;
}  // namespace

Result<protocol::Message> ClusterCore::command(const OperatorCommand& cmd, Now now, const std::string& by) {
  if (!joined_) return Error{"this node is not in the cluster group yet (is corosync running?)"};
  return std::visit(
      Overloaded{
          [&](const SwitchoverCommand& c) { return switchover_command(c, now); },
          [&](const StandbyCommand& c) -> Result<protocol::Message> {
            std::string node = c.node.empty() ? me_ : c.node;
            if (!node_known(node)) return Error{"no node named '" + node + "'"};
            return message(protocol::SetStandby{node, c.on});
          },
          [&](const MaintenanceCommand& c) -> Result<protocol::Message> {
            return message(protocol::SetMaintenance{c.on});
          },
          [&](const CleanupCommand& c) { return resource_command("cleanup", c.resource); },
          [&](const RestartCommand& c) { return resource_command("restart", c.resource); },
          [&](const FenceCommand& c) { return fence_command(c, by); },
          [&](const UnfencePeerCommand& c) -> Result<protocol::Message> {
            if (!manages_volume(c.volume)) return Error{"no resource of the cluster has volume " + c.volume};
            return message(protocol::Outdate{c.volume, "", false, "unfence-peer on " + me_});
          },
      },
      cmd);
}

Result<protocol::Message> ClusterCore::switchover_command(const SwitchoverCommand& c, Now now) {
  std::string name = c.group;
  if (name.empty()) {
    if (cfg_.groups.size() != 1) return Error{"several groups are configured: name one (hactl switchover GROUP)"};
    name = cfg_.groups.front().name;
  }
  const config::GroupConfig* g = group(name);
  if (!g) return Error{"no group named '" + name + "'"};
  if (c.clear) return message(protocol::SwitchoverClear{name});
  if (frozen()) return Error{"this node is frozen: a member speaks an incompatible protocol (hactl status)"};
  if (state_.maintenance) return Error{"maintenance mode is on: nothing moves (hactl maintenance off)"};
  if (state_.switchover && !state_.switchover->done)
    return Error{"a switchover of " + state_.switchover->group + " is already running"};
  auto from = group_node(*g);
  if (!from) return Error{"group " + name + " is not running anywhere: nothing to switch over"};
  std::string to = c.to;
  if (to.empty()) {
    for (const auto& n : cfg_.nodes)
      if (n.name != *from) to = n.name;
  }
  if (!node_known(to)) return Error{"no node named '" + to + "'"};
  if (to == *from) return Error{"group " + name + " already runs on " + to};
  const auto& ns = state_.nodes.at(to);
  if (!state_.members.count(to))
    return Error{"cannot switch over to " + to + ": it is not in the cluster (" + scheduler::to_string(ns.status) + ")"};
  if (ns.standby) return Error{"cannot switch over to " + to + ": it is in standby (hactl unstandby " + to + ")"};
  if (!quorate_) return Error{"cannot switch over: this partition has no quorum"};
  // Unique without a shared counter: this node's monotonic time, its id and a sequence.
  std::uint64_t id = (static_cast<std::uint64_t>(std::max<std::int64_t>(now.mono_ms, 0)) << 12) |
                     ((my_id_ & 0xfu) << 8) | (next_switchover_seq_++ & 0xffu);
  return message(protocol::Switchover{id & (protocol::kMaxId - 1), name, to});
}

Result<protocol::Message> ClusterCore::resource_command(const std::string& cmd, const std::string& res) const {
  if (!res.empty() && !resource(res)) return Error{"no resource named '" + res + "'"};
  if (cmd == "cleanup") return message(protocol::Cleanup{res});
  if (frozen()) return Error{"this node is frozen: a member speaks an incompatible protocol (hactl status)"};
  bool active = false;
  for (const auto& [key, st] : state_.resources)
    if (key.first == res && scheduler::is_active(st)) active = true;
  if (!active) return Error{"resource " + res + " is not running: nothing to restart"};
  return message(protocol::Restart{res});
}

json ClusterCore::status() const {
  json j;
  j["cluster"] = cfg_.name;
  j["local_node"] = me_;
  j["dc"] = dc().value_or("");
  j["quorate"] = quorate_;
  j["maintenance"] = state_.maintenance;
  j["stonith_enabled"] = cfg_.stonith.enabled;
  j["fencing"] = fencing_status();
  json peers = json::array();
  for (const auto& [node, v] : incompatible_) peers.push_back({{"node", node}, {"version", v}});
  j["protocol"] = {{"version", protocol::kVersion}, {"frozen", frozen()}, {"incompatible_peers", peers}};
  json nodes = json::array();
  for (const auto& n : cfg_.nodes) {
    const auto& ns = state_.nodes.at(n.name);
    std::string st = scheduler::to_string(ns.status);
    if (ns.status == NodeStatus::online && !state_.probed.count(n.name)) st = "online (probing)";
    if (auto it = incompatible_.find(n.name); it != incompatible_.end())
      st = "online, INCOMPATIBLE PROTOCOL v" + std::to_string(it->second) + " (this node speaks v" +
           std::to_string(protocol::kVersion) + "): cluster frozen, nothing starts or moves";
    json nj = {{"name", n.name}, {"id", n.id}, {"status", st}, {"standby", ns.standby},
               {"connectivity_ok", ns.connectivity_ok}};
    if (n.name == me_) nj["config_sha256"] = cfg_.digest;
    if (auto it = member_configs_.find(n.name); it != member_configs_.end()) nj["config_sha256"] = it->second;
    if (auto f = state_.fencing.find(n.name); f != state_.fencing.end() && !state_.members.count(n.name))
      nj["fencing"] = {{"fenced", f->second.fenced}, {"failures", f->second.failures},
                       {"last_error", f->second.last_error}, {"confirmed_by", f->second.confirmed_by}};
    nodes.push_back(nj);
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
      json degraded = json::object();
      for (const auto& [key, reason] : state_.degraded)
        if (key.first == r.name) degraded[key.second] = reason;
      if (!degraded.empty()) rj["degraded"] = degraded;
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
