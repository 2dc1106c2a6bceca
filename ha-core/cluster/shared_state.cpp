#include "hamail/hacore/cluster/shared_state.h"

namespace hamail::cluster {

using scheduler::ActionKind;
using scheduler::ResourceStatus;

std::optional<ResourceStatus> resource_status_from(const std::string& s) {
  for (ResourceStatus r : {ResourceStatus::stopped, ResourceStatus::started, ResourceStatus::promoted,
                           ResourceStatus::failed, ResourceStatus::stop_failed, ResourceStatus::unknown})
    if (scheduler::to_string(r) == s) return r;
  return std::nullopt;
}

std::optional<ActionKind> action_kind_from(const std::string& s) {
  for (ActionKind k : {ActionKind::fence, ActionKind::demote, ActionKind::stop, ActionKind::start, ActionKind::promote})
    if (scheduler::to_string(k) == s) return k;
  return std::nullopt;
}

void SharedState::add_event(json e) {
  events.push_back(std::move(e));
  while (events.size() > kMaxEvents) events.pop_front();
}

json SharedState::to_json() const {
  json j;
  json n = json::object();
  for (const auto& [name, st] : nodes)
    n[name] = {{"status", scheduler::to_string(st.status)}, {"standby", st.standby}, {"connectivity_ok", st.connectivity_ok},
               {"member", members.count(name) > 0}, {"probed", probed.count(name) > 0}};
  j["nodes"] = n;
  json r = json::array();
  for (const auto& [key, st] : resources)
    r.push_back({{"resource", key.first}, {"node", key.second}, {"status", scheduler::to_string(st)}});
  j["resources"] = r;
  json f = json::array();
  for (const auto& [key, rec] : failures)
    f.push_back({{"resource", key.first}, {"node", key.second}, {"count", rec.count},
                 {"last_ms", rec.last_failure.count()}, {"operation", rec.operation}});
  j["failures"] = f;
  j["maintenance"] = maintenance;
  if (switchover) {
    j["switchover"] = {{"id", switchover->id}, {"group", switchover->group},
                       {"target", switchover->target.value_or("")}, {"requested_ms", switchover->requested_ms},
                       {"done", switchover->done}, {"from", switchover->from}};
  }
  j["last_transition_id"] = last_transition_id;
  if (last_transition) j["last_transition"] = *last_transition;
  j["events"] = json(events);
  j["failed_actions"] = json(failed_actions);
  j["fencing_history"] = json(fencing_history);
  return j;
}

SharedState SharedState::from_json(const json& j, const SharedState& fallback) {
  SharedState s = fallback;  // membership-derived fields stay the receiver's own
  if (j.contains("nodes") && j["nodes"].is_object()) {
    for (auto& [name, v] : j["nodes"].items()) {
      if (!s.nodes.count(name)) continue;  // not configured here: ignore
      s.nodes[name].standby = v.value("standby", false);
    }
  }
  s.failures.clear();
  for (const auto& f : j.value("failures", json::array())) {
    scheduler::FailureRecord rec;
    rec.count = f.value("count", 0);
    rec.last_failure = scheduler::Milliseconds(f.value("last_ms", std::int64_t{0}));
    rec.operation = f.value("operation", "monitor");
    s.failures[{f.value("resource", ""), f.value("node", "")}] = rec;
  }
  s.maintenance = j.value("maintenance", false);
  s.switchover.reset();
  if (j.contains("switchover")) {
    const auto& w = j["switchover"];
    Switchover sw;
    sw.id = w.value("id", std::uint64_t{0});
    sw.group = w.value("group", "");
    std::string t = w.value("target", "");
    if (!t.empty()) sw.target = t;
    sw.requested_ms = w.value("requested_ms", std::int64_t{0});
    sw.done = w.value("done", false);
    sw.from = w.value("from", "");
    s.switchover = sw;
  }
  s.last_transition_id = std::max(s.last_transition_id, j.value("last_transition_id", std::uint64_t{0}));
  if (j.contains("last_transition")) s.last_transition = j["last_transition"];
  // Histories: the sender's are the cluster's (it kept running); keep the bound.
  s.events.clear();
  for (const auto& e : j.value("events", json::array())) s.add_event(e);
  s.failed_actions.clear();
  for (const auto& e : j.value("failed_actions", json::array())) s.failed_actions.push_back(e);
  s.fencing_history.clear();
  for (const auto& e : j.value("fencing_history", json::array())) s.fencing_history.push_back(e);
  return s;
}

}  // namespace hamail::cluster
