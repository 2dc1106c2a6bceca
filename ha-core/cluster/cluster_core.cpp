// ClusterCore: construction, the message entry point (decode, check the sender, one
// handler per type) and the helpers every part shares.
#include "hamail/hacore/cluster/cluster_core.h"

#include <cstdio>
#include <ctime>

#include "core_util.h"
#include "hamail/base/ocf.h"
#include "hamail/base/utf8_text.h"

namespace hamail::cluster {

using scheduler::NodeStatus;
using scheduler::ResourceStatus;

std::string iso_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buf;
}

ResourceStatus observed_status(int rc) {
  switch (ocf_rc_from_exit_code(rc)) {
    case OcfRc::success:
    case OcfRc::degraded: return ResourceStatus::started;
    case OcfRc::running_promoted:
    case OcfRc::degraded_promoted: return ResourceStatus::promoted;
    case OcfRc::not_running:
    case OcfRc::not_installed: return ResourceStatus::stopped;
    default: return ResourceStatus::failed;
  }
}

ClusterCore::ClusterCore(const config::ClusterConfig& cfg, std::string local_node) : cfg_(cfg), me_(std::move(local_node)) {
  for (const auto& n : cfg_.nodes) {
    scheduler::NodeState ns;
    ns.status = NodeStatus::offline;  // never seen yet
    state_.nodes[n.name] = ns;
    if (n.name == me_) my_id_ = n.id;
  }
}

std::optional<std::string> ClusterCore::dc() const {
  std::optional<std::string> best;
  std::uint32_t best_id = 0;
  for (const auto& n : cfg_.nodes) {
    if (!state_.members.count(n.name)) continue;
    if (!best || n.id < best_id) {
      best = n.name;
      best_id = n.id;
    }
  }
  return best;
}

bool ClusterCore::is_dc() const { return joined_ && dc() == me_; }

bool ClusterCore::frozen() const { return !incompatible_.empty(); }

protocol::Message ClusterCore::message(protocol::Body body) const {
  return protocol::Message{protocol::kVersion, me_, std::move(body)};
}

void ClusterCore::event(Effects& fx, Now now, const std::string& name, json fields) {
  json e = {{"ts", iso_time(now.wall_ms)}, {"ts_ms", now.wall_ms}, {"event", name}};
  for (auto& [k, v] : fields.items()) e[k] = v;
  state_.add_event(e);
  fx.events.push_back(std::move(e));
}

void ClusterCore::drop(Effects& fx, Now now, const std::string& sender, const std::string& type, const std::string& why) {
  event(fx, now, "message_dropped", {{"from", sender}, {"type", clip_utf8(type, 64)}, {"error", clip_utf8(why, 1024)}});
}

// ---- messages ----------------------------------------------------------------------------

void ClusterCore::on_message(const std::string& sender, std::string_view bytes, Now now, Effects& fx) {
  if (!node_known(sender)) {
    drop(fx, now, sender, "?", "the sender is not a node of this configuration");
    return;
  }
  auto m = protocol::decode(bytes);
  if (!m) {
    drop(fx, now, sender, "?", m.error());
    return;
  }
  const std::string type = protocol::type_name(m->body);
  if (m->from != sender) {
    drop(fx, now, sender, type, "it names " + clip_utf8(m->from, 64) + " as its sender, CPG delivered it from " + sender);
    return;
  }
  Delivery d{sender, now, m->version};
  if (auto st = apply(*m, d, fx); !st) drop(fx, now, sender, type, st.message());
  maybe_schedule(now, fx);
}

Status ClusterCore::apply(const protocol::Message& m, const Delivery& d, Effects& fx) {
  if (!std::holds_alternative<protocol::ForeignVersion>(m.body) && incompatible_.count(d.sender))
    mark_compatible(d.sender, "it now speaks protocol v" + std::to_string(m.version), d.now, fx);
  return std::visit([&](const auto& body) { return handle(body, d, fx); }, m.body);
}

// ---- configuration lookups and shared bookkeeping ------------------------------------------

const config::GroupConfig* ClusterCore::group_of(const std::string& resource) const {
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources)
      if (r.name == resource) return &g;
  return nullptr;
}

const config::GroupConfig* ClusterCore::group(const std::string& name) const {
  for (const auto& g : cfg_.groups)
    if (g.name == name) return &g;
  return nullptr;
}

const config::ResourceConfig* ClusterCore::resource(const std::string& name) const {
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources)
      if (r.name == name) return &r;
  return nullptr;
}

std::uint64_t ClusterCore::monitor_interval(const std::string& name) const {
  const auto* r = resource(name);
  if (!r) return 0;
  for (const auto& op : r->ops)
    if (op.name == "monitor") return static_cast<std::uint64_t>(op.interval.count());
  return 0;
}

void ClusterCore::set_status(const std::string& resource, const std::string& node, ResourceStatus st) {
  if (st != ResourceStatus::started && st != ResourceStatus::promoted) state_.degraded.erase({resource, node});
  if (st == ResourceStatus::stopped) {
    state_.resources.erase({resource, node});
  } else {
    state_.resources[{resource, node}] = st;
  }
}

void ClusterCore::record_failure(const std::string& node, const std::string& res, const std::string& op, int rc,
                                 const std::string& reason, Now now, Effects& fx) {
  auto& rec = state_.failures[{res, node}];
  rec.count += 1;
  rec.last_failure = scheduler::Milliseconds(now.mono_ms);
  rec.operation = op;
  state_.add_failed_action({{"node", node}, {"resource", res}, {"action", op}, {"rc", rc}, {"reason", reason},
                            {"ts", iso_time(now.wall_ms)}});
  event(fx, now, "resource_failed",
        {{"node", node}, {"resource", res}, {"op", op}, {"rc", rc}, {"reason", reason}, {"fail_count", rec.count}});
}

void ClusterCore::facts_changed(const std::string& why, Now now, Effects& fx, bool back_off) {
  ++facts_epoch_;
  if (state_.transition) abort_transition(why, now, fx, back_off);
}

void ClusterCore::tick(Now now, Effects& fx) {
  maybe_schedule(now, fx);
  check_progress(now, fx);
}

}  // namespace hamail::cluster
