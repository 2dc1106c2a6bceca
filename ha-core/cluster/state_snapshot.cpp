// StateSnapshot: taking it (ages from this node's clock), applying it (ages to this
// node's clock) and its JSON form inside state_sync, read with every field checked.
#include "hamail/hacore/cluster/state_snapshot.h"

#include <algorithm>

#include "hamail/hacore/cluster/protocol.h"
#include "snapshot_codec.h"

namespace hamail::cluster {

using nlohmann::json;

namespace {

std::size_t json_bytes(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace).size(); }

}  // namespace

StateSnapshot snapshot_of(const SharedState& state, std::int64_t now_mono) {
  StateSnapshot s;
  for (const auto& [name, ns] : state.nodes) s.nodes[name] = NodeFlags{ns.standby, ns.connectivity_ok};
  for (const auto& [key, rec] : state.failures)
    s.failures.push_back({key.first, key.second, rec.count, std::max<std::int64_t>(0, now_mono - rec.last_failure.count()),
                          rec.operation});
  s.maintenance = state.maintenance;
  if (const auto& w = state.switchover)
    s.switchover = SwitchoverSnapshot{w->id, w->group, w->target.value_or(""), w->from,
                                      std::max<std::int64_t>(0, now_mono - w->requested_ms), w->done};
  s.last_transition_id = state.last_transition_id;
  s.last_transition = state.last_transition;
  // The newest events that fit in a quarter of the largest message (512 KiB; the rest of
  // the state is small), so a state_sync stays well within what CPG carries.
  std::size_t budget = protocol::kMaxMessageBytes / 4;
  for (auto it = state.events.rbegin(); it != state.events.rend(); ++it) {
    std::size_t n = json_bytes(*it);
    if (n > protocol::kMaxEventBytes) continue;
    if (n > budget) break;
    budget -= n;
    s.events.push_back(*it);
  }
  std::reverse(s.events.begin(), s.events.end());
  s.failed_actions.assign(state.failed_actions.begin(), state.failed_actions.end());
  s.fencing_history.assign(state.fencing_history.begin(), state.fencing_history.end());
  for (const auto& [volume, rec] : state.outdated) s.outdated.push_back({volume, rec.node, rec.by});
  return s;
}

void apply_snapshot(SharedState& state, const StateSnapshot& snap, std::int64_t now_mono) {
  for (const auto& [name, flags] : snap.nodes) {
    auto it = state.nodes.find(name);
    if (it == state.nodes.end()) continue;  // not configured here
    it->second.standby = flags.standby;
    it->second.connectivity_ok = flags.connectivity_ok;
  }
  state.failures.clear();
  for (const auto& f : snap.failures) {
    if (!state.nodes.count(f.node)) continue;
    scheduler::FailureRecord rec;
    rec.count = f.count;
    rec.last_failure = scheduler::Milliseconds(now_mono - f.age_ms);
    rec.operation = f.operation;
    state.failures[{f.resource, f.node}] = rec;
  }
  state.maintenance = snap.maintenance;
  state.switchover.reset();
  if (const auto& w = snap.switchover) {
    Switchover sw{w->id, w->group, std::nullopt, w->from, now_mono - w->age_ms, w->done};
    if (!w->target.empty()) sw.target = w->target;
    state.switchover = sw;
  }
  state.last_transition_id = std::max(state.last_transition_id, snap.last_transition_id);
  if (snap.last_transition) state.last_transition = snap.last_transition;
  // Histories: the sender's are the cluster's (it kept running).
  state.events.clear();
  for (const auto& e : snap.events) state.add_event(e);
  state.failed_actions.clear();
  for (const auto& e : snap.failed_actions) state.add_failed_action(e);
  state.fencing_history.clear();
  for (const auto& e : snap.fencing_history) state.add_fencing(e);
  state.outdated.clear();
  for (const auto& o : snap.outdated)
    if (state.nodes.count(o.node)) state.outdated[o.volume] = OutdateRecord{o.node, o.by};
}

namespace protocol {
namespace {

// A list of JSON objects from the history, each bounded; `need_event` checks "event".
std::vector<json> objects(JsonFields& f, std::string_view key, std::size_t max_items, bool need_event) {
  std::vector<json> out;
  const json& list = f.array(key, max_items);
  for (std::size_t i = 0; i < list.size() && f.ok(); ++i) {
    const json& e = list[i];
    std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    if (!e.is_object()) f.fail(where, "expected an object, found " + json_kind(e));
    else if (need_event && !(e.contains("event") && e["event"].is_string())) f.fail(where, "has no \"event\" name");
    else if (json_bytes(e) > kMaxEventBytes) f.fail(where, "larger than " + std::to_string(kMaxEventBytes) + " bytes");
    else out.push_back(e);
  }
  return out;
}

void read_nodes(JsonFields& s, StateSnapshot& out) {
  for (const auto& [name, v] : s.object("nodes", 256).items()) {
    if (!s.ok()) return;
    JsonFields n(v, s.field_name("nodes." + name) + ".");
    NodeFlags flags{n.boolean("standby"), n.boolean("connectivity_ok")};
    if (auto st = n.finish(); !st) return s.adopt(st);
    if (name.size() <= kMaxNameBytes) out.nodes[name] = flags;
  }
}

void read_failures(JsonFields& s, StateSnapshot& out) {
  const json& list = s.array("failures", 4096);
  for (std::size_t i = 0; i < list.size() && s.ok(); ++i) {
    JsonFields f(list[i], s.field_name("failures[" + std::to_string(i) + "]") + ".");
    FailureSnapshot r;
    r.resource = f.text("resource", kMaxNameBytes);
    r.node = f.text("node", kMaxNameBytes);
    r.count = static_cast<int>(f.integer("count", 0, 1'000'000));
    r.age_ms = f.integer("age_ms", 0, kMaxAgeMs);
    r.operation = f.text("operation", kMaxNameBytes);
    if (auto st = f.finish(); !st) return s.adopt(st);
    out.failures.push_back(r);
  }
}

void read_switchover(JsonFields& s, StateSnapshot& out) {
  if (!s.has("switchover")) return;
  JsonFields w(s.object("switchover", 16), s.field_name("switchover") + ".");
  SwitchoverSnapshot sw;
  sw.id = w.unsigned_int("id", kMaxId);
  sw.group = w.text("group", kMaxNameBytes);
  sw.target = w.text("target", kMaxNameBytes);
  sw.from = w.text("from", kMaxNameBytes);
  sw.age_ms = w.integer("age_ms", 0, kMaxAgeMs);
  sw.done = w.boolean("done");
  if (auto st = w.finish(); !st) return s.adopt(st);
  out.switchover = sw;
}

void read_outdated(JsonFields& s, StateSnapshot& out) {
  const json& list = s.array("outdated", 256);
  for (std::size_t i = 0; i < list.size() && s.ok(); ++i) {
    JsonFields f(list[i], s.field_name("outdated[" + std::to_string(i) + "]") + ".");
    OutdateSnapshot o;
    o.volume = f.text("volume", kMaxNameBytes);
    o.node = f.text("node", kMaxNameBytes);
    o.by = f.text("by", kMaxTextBytes);
    if (f.ok() && (o.volume.empty() || o.node.empty())) f.fail(o.volume.empty() ? "volume" : "node", "empty");
    if (auto st = f.finish(); !st) return s.adopt(st);
    out.outdated.push_back(o);
  }
}

}  // namespace

json snapshot_to_json(const StateSnapshot& s) {
  json j;
  json nodes = json::object();
  for (const auto& [name, f] : s.nodes) nodes[name] = {{"standby", f.standby}, {"connectivity_ok", f.connectivity_ok}};
  j["nodes"] = nodes;
  json failures = json::array();
  for (const auto& f : s.failures)
    failures.push_back({{"resource", f.resource}, {"node", f.node}, {"count", f.count}, {"age_ms", f.age_ms},
                        {"operation", f.operation}});
  j["failures"] = failures;
  j["maintenance"] = s.maintenance;
  if (const auto& w = s.switchover)
    j["switchover"] = {{"id", w->id}, {"group", w->group}, {"target", w->target}, {"from", w->from},
                       {"age_ms", w->age_ms}, {"done", w->done}};
  j["last_transition_id"] = s.last_transition_id;
  if (s.last_transition) j["last_transition"] = *s.last_transition;
  j["events"] = s.events;
  j["failed_actions"] = s.failed_actions;
  j["fencing_history"] = s.fencing_history;
  json outdated = json::array();
  for (const auto& o : s.outdated) outdated.push_back({{"volume", o.volume}, {"node", o.node}, {"by", o.by}});
  j["outdated"] = outdated;
  return j;
}

StateSnapshot snapshot_from_json(JsonFields& message) {
  StateSnapshot out;
  JsonFields s(message.object("state", 16), "state.");
  read_nodes(s, out);
  read_failures(s, out);
  out.maintenance = s.boolean("maintenance");
  read_switchover(s, out);
  out.last_transition_id = s.unsigned_int("last_transition_id", kMaxId);
  if (s.has("last_transition")) {
    const json& t = s.object("last_transition", 16);
    if (s.ok() && json_bytes(t) > kMaxEventBytes) s.fail("last_transition", "too large");
    out.last_transition = t;
  }
  out.events = objects(s, "events", kMaxEvents, true);
  out.failed_actions = objects(s, "failed_actions", kMaxFailedActions, false);
  out.fencing_history = objects(s, "fencing_history", kMaxFencingHistory, false);
  read_outdated(s, out);
  message.adopt(s.finish());
  return out;
}

}  // namespace protocol
}  // namespace hamail::cluster
