#include "hamail/hacore/cluster/cluster_core.h"

#include <algorithm>
#include <limits>

#include "hamail/base/log.h"
#include "hamail/base/ocf.h"
#include "hamail/hacore/scheduler/scheduler.h"

namespace hamail::cluster {
namespace {

using scheduler::ActionKind;
using scheduler::NodeStatus;
using scheduler::ResourceStatus;

ResourceStatus observed_status(int rc) {
  switch (ocf_rc_from_exit_code(rc)) {
    case OcfRc::success: return ResourceStatus::started;
    case OcfRc::running_promoted: return ResourceStatus::promoted;
    case OcfRc::not_running:
    case OcfRc::not_installed: return ResourceStatus::stopped;
    default: return ResourceStatus::failed;
  }
}

std::string iso(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

json action_json(const scheduler::Action& a) {
  return {{"node", a.node}, {"resource", a.resource}, {"kind", scheduler::to_string(a.kind)}, {"reason", a.reason}};
}

}  // namespace

ClusterCore::ClusterCore(const config::ClusterConfig& cfg, std::string local_node) : cfg_(cfg), me_(std::move(local_node)) {
  for (const auto& n : cfg_.nodes) {
    scheduler::NodeState ns;
    ns.status = NodeStatus::offline;  // never seen yet
    state_.nodes[n.name] = ns;
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

json ClusterCore::message(const std::string& type, std::int64_t now_ms) const {
  return {{"t", type}, {"from", me_}, {"ts", now_ms}};
}

void ClusterCore::event(Effects& fx, std::int64_t ts_ms, const std::string& name, json fields) {
  json e = {{"ts", iso(ts_ms)}, {"ts_ms", ts_ms}, {"event", name}};
  for (auto& [k, v] : fields.items()) e[k] = v;
  state_.add_event(e);
  fx.events.push_back(std::move(e));
}

const config::GroupConfig* ClusterCore::group_of(const std::string& resource) const {
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources)
      if (r.name == resource) return &g;
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
  if (st == ResourceStatus::stopped) {
    state_.resources.erase({resource, node});
  } else {
    state_.resources[{resource, node}] = st;
  }
}

// ---- membership and quorum ---------------------------------------------------------

void ClusterCore::on_group_membership(const std::vector<std::string>& members, std::int64_t now_ms, Effects& fx) {
  std::set<std::string> now(members.begin(), members.end());
  const std::set<std::string> before = state_.members;
  std::set<std::string> joined, left;
  for (const auto& n : now)
    if (!state_.members.count(n)) joined.insert(n);
  for (const auto& n : state_.members)
    if (!now.count(n)) left.insert(n);
  state_.members = now;
  joined_ = now.count(me_) > 0;

  for (const auto& n : left) {
    state_.probed.erase(n);
    auto it = state_.nodes.find(n);
    if (it == state_.nodes.end()) continue;
    if (state_.leaving.count(n)) {
      it->second.status = NodeStatus::offline;
      state_.leaving.erase(n);
      event(fx, now_ms, "node_left", {{"node", n}, {"clean", true}});
      continue;
    }
    bool ran_something = false;
    for (const auto& [key, st] : state_.resources)
      if (key.second == n && scheduler::is_active(st)) ran_something = true;
    it->second.status = NodeStatus::unclean;
    event(fx, now_ms, "node_lost", {{"node", n}, {"members", json(std::vector<std::string>(now.begin(), now.end()))}});
    if (!ran_something) continue;
    for (const auto& g : cfg_.groups) {
      if (group_node(g) == n) {
        state_.failovers[g.name] = Failover{n, now_ms};
        event(fx, now_ms, "failover_begin", {{"group", g.name}, {"from", n}, {"reason", "node " + n + " lost"}});
      }
    }
  }
  for (const auto& n : joined) {
    if (auto it = state_.nodes.find(n); it != state_.nodes.end()) it->second.status = NodeStatus::online;
    state_.probed.erase(n);
    state_.leaving.erase(n);
    event(fx, now_ms, "node_joined", {{"node", n}});
  }
  if (state_.transition && (!left.empty() || !joined.empty()))
    abort_transition("membership changed", now_ms, fx, false);  // identical on every node: same order
  if (!joined.empty() && joined_) {
    // Everyone reports what runs locally again, so the DC schedules from facts.
    start_probes(fx);
    // The senior member (lowest id among those already in the group) hands its state
    // and history to the newcomers; a node that just (re)started has nothing to give.
    std::optional<std::string> senior;
    std::uint32_t senior_id = 0;
    for (const auto& n : cfg_.nodes)
      if (before.count(n.name) && now.count(n.name) && (!senior || n.id < senior_id)) {
        senior = n.name;
        senior_id = n.id;
      }
    if (senior == me_) {
      json m = message("state_sync", now_ms);
      m["state"] = state_.to_json();
      fx.broadcast.push_back(m);
    }
  }
  maybe_schedule(now_ms, fx);
}

void ClusterCore::on_quorum(bool quorate, std::int64_t now_ms, Effects& fx) {
  if (quorate == quorate_) return;
  quorate_ = quorate;
  event(fx, now_ms, quorate ? "quorum_gained" : "quorum_lost", {{"node", me_}});
  maybe_schedule(now_ms, fx);
}

// ---- probes and monitors ------------------------------------------------------------

void ClusterCore::start_probes(Effects& fx) {
  if (!probing_.empty()) {
    reprobe_ = true;  // a report for the earlier membership is on its way; probe again after
    return;
  }
  probe_results_.clear();
  for (const auto& g : cfg_.groups)
    for (const auto& r : g.resources) {
      if (busy_.count(r.name)) continue;
      probing_.insert(r.name);
      fx.probes.push_back(r.name);
    }
  if (probing_.empty()) {
    json m = message("probe_report", 0);
    m["node"] = me_;
    m["resources"] = json::object();
    fx.broadcast.push_back(m);
  }
}

void ClusterCore::on_probe_result(const std::string& res, int rc, const std::string& detail, std::int64_t now_ms,
                                  Effects& fx) {
  if (!probing_.erase(res)) return;
  probe_results_[res] = observed_status(rc);
  if (observed_status(rc) == ResourceStatus::failed)
    event(fx, now_ms, "probe_failed", {{"node", me_}, {"resource", res}, {"rc", rc}, {"reason", detail}});
  if (!probing_.empty()) return;
  json m = message("probe_report", now_ms);
  m["node"] = me_;
  json r = json::object();
  for (const auto& [name, st] : probe_results_) r[name] = scheduler::to_string(st);
  m["resources"] = r;
  fx.broadcast.push_back(m);
  if (reprobe_) {
    reprobe_ = false;
    start_probes(fx);
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

void ClusterCore::on_monitor_result(const std::string& res, int rc, const std::string& detail, std::int64_t now_ms,
                                    Effects& fx) {
  if (!monitored_.count(res) || busy_.count(res)) return;
  auto it = state_.resources.find({res, me_});
  if (it == state_.resources.end()) return;
  ResourceStatus seen = observed_status(rc);
  bool fine = (seen == ResourceStatus::started || seen == ResourceStatus::promoted);
  if (fine) return;
  json f = message("failure", now_ms);
  f["node"] = me_;
  f["resource"] = res;
  f["op"] = "monitor";
  f["rc"] = rc;
  f["reason"] = detail;
  fx.broadcast.push_back(f);
  monitored_.erase(res);
  fx.stop_monitors.push_back(res);
}

// ---- actions --------------------------------------------------------------------------

void ClusterCore::on_action_result(const LocalAction& a, const AgentOutcome& o, std::int64_t now_ms, Effects& fx) {
  json m = message("action_result", now_ms);
  m["id"] = a.transition;
  m["index"] = a.index;
  m["node"] = me_;
  m["resource"] = a.resource;
  m["kind"] = scheduler::to_string(a.kind);
  m["ok"] = o.ok;
  m["rc"] = o.rc;
  m["detail"] = o.detail;
  m["duration_ms"] = o.duration_ms;
  fx.broadcast.push_back(m);
}

void ClusterCore::request_next_action(std::int64_t now_ms, Effects& fx) {
  auto& t = *state_.transition;
  if (t.waiting || t.next >= t.actions.size()) return;
  json m = message("action_request", now_ms);
  m["id"] = t.id;
  m["index"] = t.next;
  fx.broadcast.push_back(m);
  t.waiting = true;  // the DC's own bookkeeping; every node sets it when applying the request
}

void ClusterCore::abort_transition(const std::string& reason, std::int64_t ts, Effects& fx, bool back_off) {
  if (!state_.transition) return;
  const auto& t = *state_.transition;
  event(fx, ts, "transition_aborted",
        {{"id", t.id}, {"reason", reason}, {"done", t.next}, {"actions", t.actions.size()},
         {"duration_ms", ts - t.started_ms}});
  state_.last_transition = json{{"id", t.id}, {"result", "aborted: " + reason}, {"actions", t.actions.size()},
                                {"duration_ms", ts - t.started_ms}, {"ended", iso(ts)}};
  state_.transition.reset();
  if (!back_off) {
    next_schedule_ms_ = 0;  // new facts (membership): plan again at once
    return;
  }
  ++failed_transitions_;
  // Back off before the next attempt: 1 s, 2 s, 4 s ... at most 60 s (a repeating failure
  // must not spin); any later success resets it.
  next_schedule_ms_ = ts + std::min<std::int64_t>(60000, 1000LL << std::min(failed_transitions_ - 1, 6));
}

void ClusterCore::finish_transition(std::int64_t ts, Effects& fx) {
  const auto& t = *state_.transition;
  event(fx, ts, "transition_finished", {{"id", t.id}, {"actions", t.actions.size()}, {"duration_ms", ts - t.started_ms}});
  state_.last_transition = json{{"id", t.id}, {"result", "done"}, {"actions", t.actions.size()},
                                {"duration_ms", ts - t.started_ms}, {"ended", iso(ts)}};
  state_.transition.reset();
  failed_transitions_ = 0;
  next_schedule_ms_ = 0;
}

void ClusterCore::apply_action_result(const json& m, std::int64_t ts, Effects& fx) {
  std::string node = m.value("node", ""), res = m.value("resource", ""), kind_s = m.value("kind", "");
  bool ok = m.value("ok", false);
  int rc = m.value("rc", 1);
  auto kind = action_kind_from(kind_s);
  if (!kind) return;
  if (node == me_) {
    busy_.erase(res);
  }
  ResourceStatus st = ResourceStatus::failed;
  if (ok) {
    switch (*kind) {
      case ActionKind::start: st = ResourceStatus::started; break;
      case ActionKind::promote: st = ResourceStatus::promoted; break;
      case ActionKind::demote: st = ResourceStatus::started; break;
      case ActionKind::stop: st = ResourceStatus::stopped; break;
      case ActionKind::fence: st = ResourceStatus::stopped; break;
    }
  } else if (*kind == ActionKind::stop) {
    st = ResourceStatus::stop_failed;
  }
  if (*kind == ActionKind::fence) {
    json f = {{"node", node}, {"result", ok ? "fenced" : "failed"}, {"ts", iso(ts)}, {"detail", m.value("detail", "")}};
    state_.fencing_history.push_back(f);
    while (state_.fencing_history.size() > 20) state_.fencing_history.pop_front();
    if (ok) {
      state_.nodes[node].status = NodeStatus::offline;
      for (auto it = state_.resources.begin(); it != state_.resources.end();)
        it = it->first.second == node ? state_.resources.erase(it) : std::next(it);
    }
  } else {
    set_status(res, node, st);
  }
  json ev = {{"node", node}, {"resource", res}, {"action", kind_s}, {"ok", ok}, {"rc", rc},
             {"duration_ms", m.value("duration_ms", 0)}};
  if (!ok) ev["reason"] = m.value("detail", "");
  event(fx, ts, "action_result", ev);
  if (state_.switchover && !state_.switchover->done && group_of(res) &&
      group_of(res)->name == state_.switchover->group) {
    event(fx, ts, "switchover_phase",
          {{"group", state_.switchover->group}, {"phase", kind_s + " " + res + " on " + node}, {"ok", ok},
           {"elapsed_ms", ts - state_.switchover->requested_ms}});
  }
  if (!ok) {
    auto& rec = state_.failures[{res, node}];
    rec.count += 1;
    rec.last_failure = scheduler::Milliseconds(ts);
    rec.operation = kind_s;
    state_.failed_actions.push_back({{"node", node}, {"resource", res}, {"action", kind_s}, {"rc", rc},
                                     {"reason", m.value("detail", "")}, {"ts", iso(ts)}});
    while (state_.failed_actions.size() > kMaxFailedActions) state_.failed_actions.pop_front();
    event(fx, ts, "resource_failed", {{"node", node}, {"resource", res}, {"op", kind_s}, {"rc", rc},
                                     {"reason", m.value("detail", "")}});
  }
  if (state_.transition && state_.transition->id == m.value("id", std::uint64_t{0}) &&
      state_.transition->next == m.value("index", std::size_t{0})) {
    auto& t = *state_.transition;
    t.waiting = false;
    t.next += 1;
    if (!ok) {
      abort_transition(kind_s + " of " + res + " on " + node + " failed", ts, fx);
    } else if (t.next >= t.actions.size()) {
      finish_transition(ts, fx);
    } else if (is_dc()) {
      request_next_action(ts, fx);
    }
  }
  sync_monitors(fx);
  check_progress(ts, fx);
}

// ---- applying messages ----------------------------------------------------------------

void ClusterCore::on_message(const json& msg, std::int64_t now_ms, Effects& fx) {
  if (!msg.is_object() || !msg.contains("t")) return;
  apply(msg, now_ms, fx);
  maybe_schedule(now_ms, fx);
}

void ClusterCore::apply(const json& m, std::int64_t now_ms, Effects& fx) {
  const std::string t = m.value("t", "");
  const std::int64_t ts = m.value("ts", now_ms);
  if (t == "probe_report") {
    std::string node = m.value("node", "");
    if (!state_.members.count(node)) return;
    for (auto it = state_.resources.begin(); it != state_.resources.end();)
      it = it->first.second == node ? state_.resources.erase(it) : std::next(it);
    const json reported = m.value("resources", json::object());
    for (auto& [res, st] : reported.items()) {
      auto s = resource_status_from(st.get<std::string>());
      if (s && resource(res)) set_status(res, node, *s);
    }
    state_.probed.insert(node);
    event(fx, ts, "probe_done", {{"node", node}, {"resources", m.value("resources", json::object())}});
    sync_monitors(fx);
  } else if (t == "failure") {
    std::string node = m.value("node", ""), res = m.value("resource", "");
    if (!resource(res)) return;
    auto& rec = state_.failures[{res, node}];
    rec.count += 1;
    rec.last_failure = scheduler::Milliseconds(ts);
    rec.operation = m.value("op", "monitor");
    set_status(res, node, ResourceStatus::failed);
    state_.failed_actions.push_back({{"node", node}, {"resource", res}, {"action", rec.operation}, {"rc", m.value("rc", 1)},
                                     {"reason", m.value("reason", "")}, {"ts", iso(ts)}});
    while (state_.failed_actions.size() > kMaxFailedActions) state_.failed_actions.pop_front();
    event(fx, ts, "resource_failed", {{"node", node}, {"resource", res}, {"op", rec.operation},
                                     {"rc", m.value("rc", 1)}, {"reason", m.value("reason", "")},
                                     {"fail_count", rec.count}});
    if (const auto* g = group_of(res)) {
      if (!state_.failovers.count(g->name)) state_.failovers[g->name] = Failover{node, ts};
    }
    if (state_.transition) abort_transition("resource " + res + " failed on " + node, ts, fx);
    sync_monitors(fx);
  } else if (t == "transition_start") {
    RunningTransition rt;
    rt.id = m.value("id", std::uint64_t{0});
    rt.started_ms = ts;
    rt.trigger = m.value("trigger", "");
    for (const auto& a : m.value("actions", json::array())) {
      scheduler::Action act;
      act.node = a.value("node", "");
      act.resource = a.value("resource", "");
      act.kind = action_kind_from(a.value("kind", "")).value_or(ActionKind::stop);
      act.reason = a.value("reason", "");
      rt.actions.push_back(act);
    }
    state_.transition = rt;
    state_.last_transition_id = std::max(state_.last_transition_id, rt.id);
    event(fx, ts, "transition_started", {{"id", rt.id}, {"actions", m.value("actions", json::array())},
                                        {"trigger", rt.trigger}});
    for (const auto& n : m.value("notes", json::array()))
      event(fx, ts, "scheduler_note", {{"note", n}});
  } else if (t == "action_request") {
    if (!state_.transition || state_.transition->id != m.value("id", std::uint64_t{0})) return;
    auto& rt = *state_.transition;
    std::size_t index = m.value("index", std::size_t{0});
    if (index != rt.next || index >= rt.actions.size()) return;
    rt.waiting = true;
    const auto& a = rt.actions[index];
    if (a.node == me_ && a.kind != ActionKind::fence) {
      busy_.insert(a.resource);
      if (monitored_.erase(a.resource)) fx.stop_monitors.push_back(a.resource);
      fx.run.push_back(LocalAction{rt.id, static_cast<std::uint32_t>(index), a.resource, a.kind});
    } else if (a.kind == ActionKind::fence && is_dc()) {
      // Fencing devices come with the STONITH issue: until then a fence cannot succeed.
      json r = message("action_result", now_ms);
      r["id"] = rt.id;
      r["index"] = index;
      r["node"] = a.node;
      r["resource"] = "";
      r["kind"] = "fence";
      r["ok"] = false;
      r["rc"] = 1;
      r["detail"] = "no fencing device can run yet (STONITH is not implemented in this version)";
      r["duration_ms"] = 0;
      fx.broadcast.push_back(r);
    }
  } else if (t == "action_result") {
    apply_action_result(m, ts, fx);
  } else if (t == "set_standby") {
    std::string node = m.value("node", "");
    if (!state_.nodes.count(node)) return;
    state_.nodes[node].standby = m.value("on", false);
    event(fx, ts, m.value("on", false) ? "node_standby" : "node_unstandby", {{"node", node}, {"by", m.value("from", "")}});
  } else if (t == "set_maintenance") {
    state_.maintenance = m.value("on", false);
    event(fx, ts, state_.maintenance ? "maintenance_on" : "maintenance_off", {{"by", m.value("from", "")}});
    sync_monitors(fx);
  } else if (t == "switchover") {
    Switchover sw;
    sw.id = m.value("id", std::uint64_t{0});
    sw.group = m.value("group", "");
    const config::GroupConfig* g = nullptr;
    for (const auto& gr : cfg_.groups)
      if (gr.name == sw.group) g = &gr;
    if (!g) return;
    std::string from = group_node(*g).value_or("");
    std::string target = m.value("target", "");
    if (target.empty()) {
      // "the other node", resolved now (every node resolves it the same way), so that
      // after the move the request does not point back.
      for (const auto& n : cfg_.nodes)
        if (n.name != from) {
          target = n.name;
          break;
        }
    }
    sw.target = target;
    sw.from = from;
    sw.requested_ms = ts;
    state_.switchover = sw;
    event(fx, ts, "switchover_begin",
          {{"id", sw.id}, {"group", sw.group}, {"from", from}, {"to", target}, {"by", m.value("from", "")}});
  } else if (t == "switchover_end") {
    if (!state_.switchover || state_.switchover->id != m.value("id", std::uint64_t{0})) return;
    bool ok = m.value("result", "") == "done";
    event(fx, ts, ok ? "switchover_end" : "switchover_failed",
          {{"id", state_.switchover->id}, {"group", state_.switchover->group}, {"to", m.value("to", "")},
           {"duration_ms", ts - state_.switchover->requested_ms}, {"reason", m.value("reason", "")}});
    const config::GroupConfig* g = nullptr;
    for (const auto& gr : cfg_.groups)
      if (gr.name == state_.switchover->group) g = &gr;
    if (ok && g && g->auto_failback) {
      // Kept visible in `hactl status` (not a hidden constraint): without it the group would
      // fail back at once. `hactl switchover GROUP --clear` drops it.
      state_.switchover->done = true;
    } else {
      state_.switchover.reset();
    }
  } else if (t == "switchover_clear") {
    if (state_.switchover && state_.switchover->group == m.value("group", "")) {
      state_.switchover.reset();
      event(fx, ts, "switchover_cleared", {{"group", m.value("group", "")}, {"by", m.value("from", "")}});
    }
  } else if (t == "cleanup") {
    std::string res = m.value("resource", "");
    for (auto it = state_.failures.begin(); it != state_.failures.end();)
      it = (res.empty() || it->first.first == res) ? state_.failures.erase(it) : std::next(it);
    for (auto& [key, st] : state_.resources)
      if ((res.empty() || key.first == res) && st == ResourceStatus::failed) st = ResourceStatus::started;
    failed_transitions_ = 0;
    next_schedule_ms_ = 0;
    event(fx, ts, "resource_cleanup", {{"resource", res.empty() ? "all" : res}, {"by", m.value("from", "")}});
    if (joined_) start_probes(fx);  // re-learn the facts on every node
  } else if (t == "restart") {
    std::string res = m.value("resource", "");
    for (auto& [key, st] : state_.resources)
      if (key.first == res && scheduler::is_active(st)) st = ResourceStatus::failed;  // recovered in place
    event(fx, ts, "resource_restart", {{"resource", res}, {"by", m.value("from", "")}});
  } else if (t == "state_sync") {
    if (m.value("from", "") == me_) return;
    state_ = SharedState::from_json(m.value("state", json::object()), state_);
  } else if (t == "leaving") {
    state_.leaving.insert(m.value("node", ""));
    event(fx, ts, "node_shutting_down", {{"node", m.value("node", "")}});
  } else if (t == "connectivity") {
    std::string node = m.value("node", "");
    if (!state_.nodes.count(node)) return;
    bool ok = m.value("ok", true);
    if (state_.nodes[node].connectivity_ok == ok) return;
    state_.nodes[node].connectivity_ok = ok;
    event(fx, ts, ok ? "connectivity_regained" : "connectivity_lost",
          {{"node", node}, {"targets", m.value("targets", json::array())}});
  } else if (t == "quorum") {
    // informational: a node's own quorum change, so the event shows on every node
  }
}

// ---- scheduling (DC) ---------------------------------------------------------------------

std::optional<std::string> ClusterCore::group_node(const config::GroupConfig& g) const {
  // Where it runs among the members; a lost (unclean) node only when nowhere else.
  std::optional<std::string> elsewhere;
  for (const auto& r : g.resources)
    for (const auto& [key, st] : state_.resources)
      if (key.first == r.name && scheduler::is_active(st)) {
        if (state_.members.count(key.second)) return key.second;
        if (!elsewhere) elsewhere = key.second;
      }
  return elsewhere;
}

bool ClusterCore::group_running_on(const config::GroupConfig& g, const std::string& node) const {
  for (const auto& r : g.resources) {
    auto it = state_.resources.find({r.name, node});
    if (it == state_.resources.end()) return false;
    bool want_promoted = r.promotable;
    if (want_promoted ? it->second != ResourceStatus::promoted
                      : (it->second != ResourceStatus::started && it->second != ResourceStatus::promoted))
      return false;
  }
  return true;
}

void ClusterCore::check_progress(std::int64_t ts, Effects& fx) {
  for (auto it = state_.failovers.begin(); it != state_.failovers.end();) {
    const config::GroupConfig* g = nullptr;
    for (const auto& gr : cfg_.groups)
      if (gr.name == it->first) g = &gr;
    std::optional<std::string> where;
    if (g)
      for (const auto& n : cfg_.nodes)
        if (state_.members.count(n.name) && group_running_on(*g, n.name)) where = n.name;
    if (where) {
      event(fx, ts, "failover_end", {{"group", it->first}, {"from", it->second.from}, {"to", *where},
                                     {"duration_ms", ts - it->second.lost_ms}});
      it = state_.failovers.erase(it);
    } else {
      ++it;
    }
  }
}

void ClusterCore::maybe_schedule(std::int64_t now_ms, Effects& fx) {
  if (!is_dc() || state_.transition) return;
  for (const auto& n : state_.members)
    if (!state_.probed.count(n)) return;  // facts first
  if (now_ms < next_schedule_ms_) return;

  scheduler::ClusterState cs;
  cs.now = scheduler::Milliseconds(now_ms);
  cs.quorate = quorate_;
  cs.maintenance = state_.maintenance;
  cs.nodes = state_.nodes;
  for (const auto& n : state_.leaving)
    if (cs.nodes.count(n)) cs.nodes[n].standby = true;  // shutting down: move its groups away
  cs.resources = state_.resources;
  cs.failures = state_.failures;
  if (state_.switchover) {
    scheduler::SwitchoverRequest req;
    req.group = state_.switchover->group;
    req.target_node = state_.switchover->target;
    cs.switchover = req;
  }
  auto tr = scheduler::schedule(cfg_, cs);
  if (!tr) {
    event(fx, now_ms, "scheduler_error", {{"error", tr.error()}});
    next_schedule_ms_ = now_ms + 5000;
    return;
  }
  // A pending switchover: done, refused, or under way (then decided when it settles).
  if (state_.switchover && !state_.switchover->done) {
    const Switchover& sw = *state_.switchover;
    for (const auto& p : tr->placements) {
      if (p.group != sw.group) continue;
      bool moving = p.after && p.before != p.after;
      if (moving) break;
      const config::GroupConfig* g = nullptr;
      for (const auto& gr : cfg_.groups)
        if (gr.name == p.group) g = &gr;
      bool at_target = p.after && sw.target && *p.after == *sw.target;
      json m = message("switchover_end", now_ms);
      m["id"] = sw.id;
      m["to"] = p.after.value_or("");
      if (at_target && tr->actions.empty() && g && group_running_on(*g, *p.after)) {
        m["result"] = "done";
      } else if (at_target && !tr->actions.empty()) {
        break;  // still recovering there: decide once it settles
      } else {
        m["result"] = "failed";
        m["reason"] = p.note.empty() ? "group " + sw.group + " cannot run on " + sw.target.value_or("the other node")
                                     : p.note;
      }
      fx.broadcast.push_back(m);
      break;
    }
  }
  if (tr->actions.empty()) return;
  json m = message("transition_start", now_ms);
  m["id"] = state_.last_transition_id + 1;
  json acts = json::array();
  for (const auto& a : tr->actions) acts.push_back(action_json(a));
  m["actions"] = acts;
  json notes = json::array();
  for (const auto& n : tr->notes) notes.push_back(n);
  m["notes"] = notes;
  m["trigger"] = tr->placements.empty() ? "" : tr->placements.front().note;
  fx.broadcast.push_back(m);
  json req = message("action_request", now_ms);
  req["id"] = state_.last_transition_id + 1;
  req["index"] = 0;
  fx.broadcast.push_back(req);
  // Until the start is applied (in CPG order) nothing else is scheduled.
  next_schedule_ms_ = std::numeric_limits<std::int64_t>::max();
}

void ClusterCore::tick(std::int64_t now_ms, Effects& fx) {
  maybe_schedule(now_ms, fx);
  check_progress(now_ms, fx);
}

}  // namespace hamail::cluster
