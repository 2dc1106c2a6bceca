// ClusterCore: what nodes report about themselves: what runs there (probe_report), a
// resource that failed there (failure) and whether it reaches its ping targets
// (connectivity). A node only reports on itself: the sender must be the node named.
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/base/utf8_text.h"

namespace hamail::cluster {

using scheduler::ResourceStatus;

namespace {
Status not_the_sender(const std::string& node) {
  return Error{"field \"node\": " + clip_utf8(node, 64) + " is not the sender (a node reports only on itself)"};
}
}  // namespace

Status ClusterCore::handle(const protocol::ProbeReport& m, const Delivery& d, Effects& fx) {
  if (m.node != d.sender) return not_the_sender(m.node);
  std::map<scheduler::ResourceOnNode, ResourceStatus> before, after;
  for (const auto& [key, st] : state_.resources)
    if (key.second == m.node) before[key] = st;
  json reported = json::object();
  for (const auto& [res, st] : m.resources) {
    if (!resource(res)) continue;  // not configured here: not ours to manage
    reported[res] = scheduler::to_string(st);
    if (st != ResourceStatus::stopped) after[{res, m.node}] = st;
  }
  for (const auto& key : before) state_.resources.erase(key.first);
  for (auto it = state_.degraded.begin(); it != state_.degraded.end();)
    it = it->first.second == m.node ? state_.degraded.erase(it) : std::next(it);
  if (m.node == me_) degraded_here_.clear();  // the next monitor result reports it again
  for (const auto& [key, st] : after) state_.resources[key] = st;
  std::erase_if(state_.in_flight, [&](const auto& e) { return e.first.second == m.node; });
  for (const auto& res : m.busy)
    if (resource(res)) state_.in_flight[{res, m.node}] = d.now.mono_ms;
  state_.probed.insert(m.node);
  reported_.insert(m.node);
  event(fx, d.now, "probe_done", {{"node", m.node}, {"resources", reported}});
  // Always a new epoch (not only when something differs): a node that just joined would
  // see a difference where the others see none, and epochs must agree everywhere.
  facts_changed("new facts from the probe of " + m.node, d.now, fx);
  sync_monitors(fx);
  return Status::ok();
}

Status ClusterCore::handle(const protocol::Failure& m, const Delivery& d, Effects& fx) {
  if (m.node != d.sender) return not_the_sender(m.node);
  if (!resource(m.resource))
    return Error{"field \"resource\": no resource named " + clip_utf8(m.resource, 64) + " in this configuration"};
  // A failure of a running group begins a recovery; one while the group is still being
  // started (a start that fails) only delays that start.
  const auto* g = group_of(m.resource);
  bool group_was_running = g && group_running_on(*g, m.node);
  record_failure(m.node, m.resource, m.op, m.rc, m.reason, d.now, fx);
  set_status(m.resource, m.node, ResourceStatus::failed);
  if (group_was_running && !state_.failovers.count(g->name)) {
    state_.failovers[g->name] = Failover{m.node, d.now.mono_ms, true};
    event(fx, d.now, "recovery_begin", {{"group", g->name}, {"from", m.node}, {"resource", m.resource},
                                        {"reason", m.resource + " " + m.op + " failed on " + m.node}});
  }
  facts_changed("resource " + m.resource + " failed on " + m.node, d.now, fx, /*back_off=*/true);
  sync_monitors(fx);
  return Status::ok();
}

Status ClusterCore::handle(const protocol::ResourceHealth& m, const Delivery& d, Effects& fx) {
  if (m.node != d.sender) return not_the_sender(m.node);
  if (!resource(m.resource))
    return Error{"field \"resource\": no resource named " + clip_utf8(m.resource, 64) + " in this configuration"};
  auto it = state_.resources.find({m.resource, m.node});
  bool running = it != state_.resources.end() && scheduler::is_active(it->second) &&
                 it->second != ResourceStatus::failed;
  scheduler::ResourceOnNode key{m.resource, m.node};
  if (m.degraded && running) {
    bool fresh = !state_.degraded.count(key);
    state_.degraded[key] = m.reason;
    if (fresh) event(fx, d.now, "resource_degraded", {{"node", m.node}, {"resource", m.resource}, {"reason", m.reason}});
  } else if (state_.degraded.erase(key)) {
    event(fx, d.now, "resource_healthy", {{"node", m.node}, {"resource", m.resource}});
  }
  return Status::ok();
}

Status ClusterCore::handle(const protocol::Connectivity& m, const Delivery& d, Effects& fx) {
  if (m.node != d.sender) return not_the_sender(m.node);
  auto& ns = state_.nodes[m.node];
  if (ns.connectivity_ok == m.ok) return Status::ok();
  ns.connectivity_ok = m.ok;
  event(fx, d.now, m.ok ? "connectivity_regained" : "connectivity_lost", {{"node", m.node}, {"targets", m.targets}});
  return Status::ok();
}

}  // namespace hamail::cluster
