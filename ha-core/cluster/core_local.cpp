// ClusterCore: this node's own agents: probes after a join, recurring monitors of what
// runs here, and the results of the actions the DC asked this node to run. Each result
// becomes a message, so every node applies it in the same order.
#include "core_invariants.h"
#include "core_util.h"
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/base/ocf.h"
#include "hamail/base/utf8_text.h"

namespace hamail::cluster {

using scheduler::ActionKind;
using scheduler::ResourceStatus;

namespace {
int bounded_rc(int rc) { return rc < 0 || rc > protocol::kMaxRc ? 1 : rc; }
}  // namespace

void ClusterCore::start_probes(Now, Effects& fx) {
  if (!probing_.empty()) {
    reprobe_ = true;  // a report for the earlier membership is on its way; probe again after
    return;
  }
  probe_results_.clear();
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources) {
      if (busy_.count(r.name)) continue;  // reported as possibly active (probe_report)
      probing_.insert(r.name);
      fx.probes.push_back(r.name);
    }
  if (probing_.empty()) fx.broadcast.push_back(message(probe_report()));
}

// What the probes saw, but a resource with an action in flight here (started after its
// probe, or never probed) is reported as possibly active, and one skipped by the probes
// whose action ended since as its result left it: the next plan then stops it here before
// it starts it elsewhere (sim seeds 195, 780).
protocol::ProbeReport ClusterCore::probe_report() const {
  protocol::ProbeReport report{me_, probe_results_};
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources) {
      bool busy = busy_.count(r.name) > 0;
      if (!busy && probe_results_.count(r.name)) continue;
      auto it = state_.resources.find({r.name, me_});
      auto known = it == state_.resources.end() ? ResourceStatus::stopped : it->second;
      if (busy) known = known == ResourceStatus::promoted ? ResourceStatus::promoted : ResourceStatus::started;
      if (busy) report.busy.insert(r.name);
      if (auto done = answered_here_.find(r.name); busy && done != answered_here_.end()) known = done->second;
      report.resources[r.name] = known;
    }
  return report;
}

void ClusterCore::on_probe_result(const std::string& res, int rc, const std::string& detail, Now now, Effects& fx) {
  if (!probing_.erase(res)) return;
  ResourceStatus seen = observed_status(rc);
  probe_results_[res] = seen;
  if (seen == ResourceStatus::failed)
    event(fx, now, "probe_failed",
          {{"node", me_}, {"resource", res}, {"rc", rc}, {"reason", clip_utf8(detail, protocol::kMaxTextBytes)}});
  if (!probing_.empty()) return;
  fx.broadcast.push_back(message(probe_report()));
  if (reprobe_) {
    reprobe_ = false;
    start_probes(now, fx);
  }
}

void ClusterCore::sync_monitors(Effects& fx) {
  for (const auto& g : cfg_.groups) {
    for (const auto& r : g.resources) {
      if (monitor_interval(r.name) == 0) continue;
      auto it = state_.resources.find({r.name, me_});
      bool running = it != state_.resources.end() &&
                     (it->second == ResourceStatus::started || it->second == ResourceStatus::promoted);
      bool want = running && !busy_.count(r.name) && !state_.maintenance;
      if (want && !monitored_.count(r.name)) {
        monitored_.insert(r.name);
        fx.start_monitors.push_back(r.name);
      } else if (!want && monitored_.count(r.name)) {
        monitored_.erase(r.name);
        fx.stop_monitors.push_back(r.name);
      }
    }
  }
}

void ClusterCore::on_monitor_result(const std::string& res, int rc, const std::string& detail, Now, Effects& fx) {
  if (!monitored_.count(res) || busy_.count(res)) return;
  auto it = state_.resources.find({res, me_});
  if (it == state_.resources.end()) return;
  ResourceStatus seen = observed_status(rc);
  if (seen == ResourceStatus::started || seen == ResourceStatus::promoted) {
    report_health(res, rc, detail, fx);
    return;
  }
  degraded_here_.erase(res);
  fx.broadcast.push_back(
      message(protocol::Failure{me_, res, "monitor", bounded_rc(rc), clip_utf8(detail, protocol::kMaxTextBytes)}));
  monitored_.erase(res);
  fx.stop_monitors.push_back(res);
}

// A running resource's monitor said degraded (OCF 190/191) or healthy: the cluster hears
// of a change only (a reason that changes counts as one: agents keep their reasons stable).
void ClusterCore::report_health(const std::string& res, int rc, const std::string& detail, Effects& fx) {
  auto code = ocf_rc_from_exit_code(rc);
  bool degraded = code == OcfRc::degraded || code == OcfRc::degraded_promoted;
  auto it = degraded_here_.find(res);
  std::string reason = clip_utf8(detail, protocol::kMaxTextBytes);
  if (degraded && (it == degraded_here_.end() || it->second != reason)) {
    degraded_here_[res] = reason;
    fx.broadcast.push_back(message(protocol::ResourceHealth{me_, res, true, reason}));
  } else if (!degraded && it != degraded_here_.end()) {
    degraded_here_.erase(it);
    fx.broadcast.push_back(message(protocol::ResourceHealth{me_, res, false, ""}));
  }
}

void ClusterCore::on_action_result(const LocalAction& a, const AgentOutcome& o, Now, Effects& fx) {
  protocol::ActionResult m;
  m.id = a.transition;
  m.index = a.index;
  m.node = me_;
  m.resource = a.resource;
  m.kind = a.kind;
  m.ok = o.ok;
  m.rc = bounded_rc(o.rc);
  m.detail = clip_utf8(o.detail, protocol::kMaxTextBytes);
  m.duration_ms = o.duration_ms;
  // Until this result is applied here the resource stays busy; a probe report sent
  // meanwhile (after this result, in CPG order) says what the action left (sim seed 31248).
  ResourceStatus left = a.kind == ActionKind::stop ? ResourceStatus::stop_failed : ResourceStatus::failed;
  if (o.ok)
    left = a.kind == ActionKind::promote ? ResourceStatus::promoted
           : a.kind == ActionKind::stop  ? ResourceStatus::stopped
                                         : ResourceStatus::started;
  answered_here_[a.resource] = left;
  fx.broadcast.push_back(message(std::move(m)));
}

void ClusterCore::run_locally(const scheduler::Action& a, std::uint64_t id, std::uint32_t index, Effects& fx) {
  check_may_run_locally(frozen());
  busy_.insert(a.resource);
  if (monitored_.erase(a.resource)) fx.stop_monitors.push_back(a.resource);
  fx.run.push_back(LocalAction{id, index, a.resource, a.kind});
}

bool ClusterCore::runs_nothing_here() const {
  for (const auto& [key, st] : state_.resources)
    if (key.second == me_ && scheduler::is_active(st)) return false;
  return busy_.empty();
}

std::string ClusterCore::why_nothing_stops() const {
  if (state_.maintenance) return "maintenance mode";
  if (frozen()) return "frozen: an incompatible peer is in the group";
  if (!boot_waiting_for().empty()) return "waiting at boot for the peer (stonith with wait_for_all)";
  if (!quorate_ && cfg_.defaults.no_quorum_policy == config::NoQuorumPolicy::freeze)
    return "no quorum with no_quorum_policy freeze";
  return "";
}

protocol::Message ClusterCore::shutdown_request() const {
  return message(protocol::Leaving{me_});  // a transient standby: its groups move away first
}

protocol::Message ClusterCore::connectivity_report(bool ok) const {
  std::vector<std::string> targets;
  for (const auto& t : cfg_.connectivity.targets)
    if (targets.size() < protocol::kMaxTargets) targets.push_back(t);
  return message(protocol::Connectivity{me_, ok, targets});
}

}  // namespace hamail::cluster
