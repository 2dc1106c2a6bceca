#include "hamail/hacore/daemon/node_shell.h"

namespace hamail::hacore {

using cluster::AgentOutcome;
using cluster::Effects;
using cluster::LocalAction;
using nlohmann::json;

namespace {

AgentRunner::Op op_of(scheduler::ActionKind k) {
  switch (k) {
    case scheduler::ActionKind::start: return AgentRunner::Op::start;
    case scheduler::ActionKind::promote: return AgentRunner::Op::promote;
    case scheduler::ActionKind::demote: return AgentRunner::Op::demote;
    default: return AgentRunner::Op::stop;  // fence never runs locally
  }
}

bool is_warning(const json& e) {
  static const char* const kBad[] = {"resource_failed", "node_lost", "transition_aborted", "switchover_failed",
                                     "quorum_lost", "message_dropped", "protocol_incompatible", "config_mismatch",
                                     "probe_failed", "scheduler_error", "connectivity_lost", "fence_begin", "fence_failed",
                                     "fence_device_failed", "fence_confirmed", "boot_wait", "volume_outdated",
                                     "corosync_link_down", "corosync_links_unknown"};
  std::string name = e.value("event", "");
  for (const char* b : kBad)
    if (name == b) return true;
  if (name == "fence_end") return !e.value("ok", false);
  return name == "scheduler_note" && e.value("note", "").rfind("WARNING", 0) == 0;
}

}  // namespace

NodeShell::NodeShell(const config::ClusterConfig& cfg, cluster::ClusterCore& core, AgentRunner& agents,
                     FenceDevices& fence_devices, MessageChannel& channel, const Clock& clock, const Logger& log)
    : cfg_(cfg), core_(core), agents_(agents), channel_(channel), clock_(clock), log_(log),
      fencer_(cfg.stonith, fence_devices, clock) {
  fencer_.set_health_listener(
      [this](const std::string& device, bool ok, const std::string& detail) { device_health(device, ok, detail); });
}

std::string NodeShell::name_of(std::uint32_t id) const {
  for (const auto& n : cfg_.nodes)
    if (n.id == id) return n.name;
  return "";
}

std::uint64_t NodeShell::monitor_interval(const std::string& res) const {
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources)
      if (r.name == res)
        for (const auto& op : r.ops)
          if (op.name == "monitor") return static_cast<std::uint64_t>(op.interval.count());
  return 0;
}

// ---- inputs -----------------------------------------------------------------------------------

void NodeShell::on_membership(const std::vector<std::uint32_t>& ids) {
  std::vector<std::string> names;
  for (auto id : ids) {
    std::string n = name_of(id);
    if (n.empty()) log_.warning("unknown_node_in_group").kv("nodeid", id).kv("hint", "not in the cluster configuration");
    else names.push_back(n);
  }
  Effects fx;
  core_.on_group_membership(names, now(), fx);
  run(fx);
}

void NodeShell::on_message(std::uint32_t from, std::string_view bytes) {
  std::string sender = name_of(from);
  if (sender.empty()) {
    log_.warning("cpg_message_ignored").kv("from_nodeid", from).kv("bytes", bytes.size()).kv("reason", "unknown node id");
    return;
  }
  Effects fx;
  core_.on_message(sender, bytes, now(), fx);
  run(fx);
}

void NodeShell::on_quorum(bool quorate) {
  Effects fx;
  core_.on_quorum(quorate, now(), fx);
  run(fx);
}

void NodeShell::tick() {
  Effects fx;
  core_.tick(now(), fx);
  run(fx);
  fencer_.tick();
}

Status NodeShell::send(const cluster::protocol::Message& m) {
  Status st = channel_.send(cluster::protocol::encode(m));
  if (!st) log_.error("cpg_send_failed").kv("type", cluster::protocol::type_name(m.body)).kv("error", st.message());
  return st;
}

// ---- the effect runner ------------------------------------------------------------------------

void NodeShell::run(Effects& fx) {
  for (const auto& e : fx.events) {
    log_event(e);
    if (listener_) listener_(e);
  }
  for (const auto& m : fx.broadcast) (void)send(m);  // a failure is logged; the core recovers (membership, timeouts)
  for (const auto& res : fx.stop_monitors)
    if (auto interval = monitor_interval(res)) agents_.cancel_monitor(res, interval);
  for (const auto& res : fx.start_monitors) start_monitor(res);
  for (const auto& res : fx.probes) probe(res);
  for (const auto& a : fx.run) run_action(a);
  for (const auto& target : fx.cancel_fences)
    if (std::size_t n = fencer_.cancel(target)) log_.info("fence_cancelled").kv("target", target).kv("jobs", n);
  for (const auto& job : fx.fence) run_fence(job);
}

void NodeShell::start_monitor(const std::string& res) {
  std::uint64_t interval = monitor_interval(res);
  if (!interval) return;
  Status st = agents_.start_monitor(res, interval, [this, res](const AgentOutcome& o) {
    Effects out;
    core_.on_monitor_result(res, o.rc, o.detail, now(), out);
    run(out);
  });
  if (!st) log_.error("monitor_start_failed").kv("resource", res).kv("error", st.message());
}

void NodeShell::probe(const std::string& res) {
  Status st = agents_.run(res, AgentRunner::Op::probe, [this, res](const AgentOutcome& o) {
    Effects out;
    core_.on_probe_result(res, o.rc, o.detail, now(), out);
    run(out);
  });
  if (!st) {
    Effects out;
    core_.on_probe_result(res, 1, st.message(), now(), out);
    run(out);
  }
}

void NodeShell::run_action(const LocalAction& a) {
  Status st = agents_.run(a.resource, op_of(a.kind), [this, a](const AgentOutcome& o) {
    Effects out;
    core_.on_action_result(a, o, now(), out);
    run(out);
  });
  if (!st) {
    Effects out;
    core_.on_action_result(a, AgentOutcome{false, 1, st.message(), 0}, now(), out);
    run(out);
  }
}

void NodeShell::run_fence(const cluster::FenceJob& job) {
  log_.warning("fencing").kv("target", job.target).kv("action", job.action).kv("reason", job.reason)
      .kv("delay_ms", job.delay_ms).kv("delay_reason", job.delay_reason);
  Status st = fencer_.fence(job, [this, job](const cluster::FenceOutcome& o) {
    Effects out;
    core_.on_fence_result(job, o, now(), out);
    run(out);
  });
  if (!st) {
    Effects out;
    core_.on_fence_result(job, cluster::FenceOutcome{false, st.message(), {}, 0, 0, 0}, now(), out);
    run(out);
  }
}

// A device's monitor changed its answer: an alarm before the device is needed (local to
// this node: each node checks the devices from where it would run them).
void NodeShell::device_health(const std::string& device, bool ok, const std::string& detail) {
  json e = {{"ts_ms", clock_.wall_ms()}, {"event", ok ? "fence_device_ok" : "fence_device_failed"},
            {"node", core_.local_node()}, {"device", device}};
  if (!ok) e["reason"] = detail;
  log_event(e);
  if (listener_) listener_(e);
}

void NodeShell::on_link_reading(LinkReading reading) {
  for (auto& e : links_.update(std::move(reading), [this](std::uint32_t id) {
         std::string name = name_of(id);
         return name.empty() ? "nodeid " + std::to_string(id) : name;
       })) {
    e["ts_ms"] = clock_.wall_ms();
    log_event(e);
    if (listener_) listener_(e);
  }
}

json NodeShell::status() const {
  json s = core_.status();
  s["fencing"]["devices"] = fencer_.health();
  s["corosync_links"] = links_.status();
  return s;
}

// One logfmt record per operator event (warnings for what needs attention).
void NodeShell::log_event(const json& e) const {
  std::string name = e.value("event", "event");
  auto rec = is_warning(e) ? log_.warning(name) : log_.info(name);
  for (const auto& [k, v] : e.items()) {
    if (k == "event" || k == "ts" || k == "ts_ms") continue;
    rec.kv(k, v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

}  // namespace hamail::hacore
