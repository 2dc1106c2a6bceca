// ClusterCore: operator requests (hactl on any node), applied by every node in CPG
// order: standby, maintenance, switchover (begin, end by the DC, clear), cleanup, restart.
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/base/utf8_text.h"

namespace hamail::cluster {

using scheduler::ResourceStatus;

namespace {
Status unknown(const char* field, const char* what, const std::string& name) {
  return Error{std::string("field \"") + field + "\": no " + what + " named " + clip_utf8(name, 64)};
}
}  // namespace

Status ClusterCore::handle(const protocol::SetStandby& m, const Delivery& d, Effects& fx) {
  if (!node_known(m.node)) return unknown("node", "node", m.node);
  state_.nodes[m.node].standby = m.on;
  event(fx, d.now, m.on ? "node_standby" : "node_unstandby", {{"node", m.node}, {"by", d.sender}});
  return Status::ok();
}

Status ClusterCore::handle(const protocol::SetMaintenance& m, const Delivery& d, Effects& fx) {
  state_.maintenance = m.on;
  event(fx, d.now, m.on ? "maintenance_on" : "maintenance_off", {{"by", d.sender}});
  sync_monitors(fx);
  return Status::ok();
}

Status ClusterCore::handle(const protocol::Switchover& m, const Delivery& d, Effects& fx) {
  const config::GroupConfig* g = group(m.group);
  if (!g) return unknown("group", "group", m.group);
  if (!m.target.empty() && !node_known(m.target)) return unknown("target", "node", m.target);
  std::string from = group_node(*g).value_or("");
  std::string target = m.target;
  if (target.empty()) {
    // "the other node", resolved now (every node resolves it the same way), so that
    // after the move the request does not point back.
    for (const auto& n : cfg_.nodes)
      if (n.name != from) {
        target = n.name;
        break;
      }
  }
  state_.switchover = Switchover{m.id, m.group, target, from, d.now.mono_ms, false};
  event(fx, d.now, "switchover_begin",
        {{"id", m.id}, {"group", m.group}, {"from", from}, {"to", target}, {"by", d.sender}});
  return Status::ok();
}

Status ClusterCore::handle(const protocol::SwitchoverEnd& m, const Delivery& d, Effects& fx) {
  if (d.sender == me_ && switchover_end_sent_ == m.id) switchover_end_sent_.reset();
  if (d.sender != dc()) return Error{"only the DC (" + dc().value_or("none") + ") ends a switchover"};
  if (!state_.switchover || state_.switchover->id != m.id || state_.switchover->done)
    return Error{"field \"id\": switchover " + std::to_string(m.id) + " is not in progress"};
  auto& sw = *state_.switchover;
  event(fx, d.now, m.done ? "switchover_end" : "switchover_failed",
        {{"id", sw.id}, {"group", sw.group}, {"to", m.to}, {"duration_ms", d.now.mono_ms - sw.requested_ms},
         {"reason", m.reason}});
  const config::GroupConfig* g = group(sw.group);
  if (m.done && g && g->auto_failback) {
    // Kept visible in `hactl status` (not a hidden constraint): without it the group would
    // fail back at once. `hactl switchover GROUP --clear` drops it.
    sw.done = true;
  } else {
    state_.switchover.reset();
  }
  return Status::ok();
}

Status ClusterCore::handle(const protocol::SwitchoverClear& m, const Delivery& d, Effects& fx) {
  if (!group(m.group)) return unknown("group", "group", m.group);
  if (state_.switchover && state_.switchover->group == m.group) {
    state_.switchover.reset();
    event(fx, d.now, "switchover_cleared", {{"group", m.group}, {"by", d.sender}});
  }
  return Status::ok();
}

Status ClusterCore::handle(const protocol::Cleanup& m, const Delivery& d, Effects& fx) {
  if (!m.resource.empty() && !resource(m.resource)) return unknown("resource", "resource", m.resource);
  const std::string& res = m.resource;
  std::erase_if(state_.failures, [&](const auto& kv) { return res.empty() || kv.first.first == res; });
  for (auto& [key, st] : state_.resources)
    if ((res.empty() || key.first == res) && st == ResourceStatus::failed) st = ResourceStatus::started;
  failed_transitions_ = 0;
  next_schedule_ms_ = 0;
  event(fx, d.now, "resource_cleanup", {{"resource", res.empty() ? "all" : res}, {"by", d.sender}});
  if (joined_) start_probes(d.now, fx);  // re-learn the facts on every node
  return Status::ok();
}

Status ClusterCore::handle(const protocol::Restart& m, const Delivery& d, Effects& fx) {
  if (!resource(m.resource)) return unknown("resource", "resource", m.resource);
  for (auto& [key, st] : state_.resources)
    if (key.first == m.resource && scheduler::is_active(st)) st = ResourceStatus::failed;  // recovered in place
  event(fx, d.now, "resource_restart", {{"resource", m.resource}, {"by", d.sender}});
  return Status::ok();
}

}  // namespace hamail::cluster
