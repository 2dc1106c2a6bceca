// protocol::decode: bytes from a peer to a typed Message, or an error naming the sender,
// the type and the field. Bounds first (size, nesting), then the envelope, then the type.
#include <array>
#include <utility>

#include "hamail/hacore/cluster/protocol.h"
#include "hamail/base/utf8_text.h"
#include "hamail/base/json_fields.h"
#include "snapshot_codec.h"

namespace hamail::cluster::protocol {
namespace {

using nlohmann::json;
using scheduler::ActionKind;
using scheduler::ResourceStatus;

std::string name(JsonFields& f, std::string_view key) {
  std::string s = f.text(key, kMaxNameBytes);
  if (f.ok() && s.empty()) f.fail(key, "empty");
  return s;
}

std::uint64_t id(JsonFields& f) {
  std::uint64_t v = f.unsigned_int("id", kMaxId);
  if (f.ok() && v == 0) f.fail("id", "0 is not an id");
  return v;
}

int rc(JsonFields& f) { return static_cast<int>(f.integer("rc", 0, kMaxRc)); }

ActionKind kind(JsonFields& f, std::string_view key) {
  std::string s = f.text(key, 16);
  if (!f.ok()) return ActionKind::stop;
  if (auto k = action_kind_from(s)) return *k;
  f.fail(key, "expected fence, demote, stop, start or promote, found \"" + clip_utf8(s, 32) + "\"");
  return ActionKind::stop;
}

Body hello(JsonFields& f) {
  Hello m{name(f, "node"), f.text("config", 64)};
  return m;
}

Body probe_report(JsonFields& f) {
  ProbeReport m;
  m.node = name(f, "node");
  for (const auto& [res, st] : f.object("resources", kMaxResources).items()) {
    if (!f.ok()) break;
    std::string key = "resources." + clip_utf8(res, 64);
    if (res.empty() || res.size() > kMaxNameBytes) {
      f.fail(key, "a resource name must be 1 to " + std::to_string(kMaxNameBytes) + " bytes");
    } else if (auto s = st.is_string() ? resource_status_from(st.get<std::string>()) : std::nullopt) {
      m.resources[res] = *s;
    } else {
      f.fail(key, "expected stopped, started, promoted, failed, stop_failed or unknown, found " +
                      (st.is_string() ? "\"" + clip_utf8(st.get<std::string>(), 32) + "\"" : json_kind(st)));
    }
  }
  for (const auto& b : f.array("busy", kMaxResources)) {
    if (!b.is_string() || b.get_ref<const std::string&>().empty() || b.get_ref<const std::string&>().size() > kMaxNameBytes) {
      f.fail("busy", "expected resource names of 1 to " + std::to_string(kMaxNameBytes) + " bytes");
      break;
    }
    m.busy.insert(b.get<std::string>());
  }
  return m;
}

Body failure(JsonFields& f) {
  Failure m;
  m.node = name(f, "node");
  m.resource = name(f, "resource");
  m.op = name(f, "op");
  m.rc = rc(f);
  m.reason = f.text("reason", kMaxTextBytes);
  return m;
}

scheduler::Action action(const json& a, std::size_t i, JsonFields& outer) {
  JsonFields f(a, "actions[" + std::to_string(i) + "].");
  scheduler::Action act;
  act.node = name(f, "node");
  act.kind = kind(f, "kind");
  act.resource = f.text("resource", kMaxNameBytes);
  if (f.ok() && (act.kind == ActionKind::fence) != act.resource.empty())
    f.fail("resource", act.kind == ActionKind::fence ? "a fence names no resource" : "empty");
  act.reason = f.text("reason", kMaxTextBytes);
  if (auto st = f.finish(); !st) outer.adopt(st);
  return act;
}

Body transition_start(JsonFields& f) {
  TransitionStart m;
  m.id = id(f);
  m.facts = f.unsigned_int("facts", kMaxId);
  const json& actions = f.array("actions", kMaxActions);
  if (f.ok() && actions.empty()) f.fail("actions", "a transition has at least one action");
  for (std::size_t i = 0; i < actions.size() && f.ok(); ++i) m.actions.push_back(action(actions[i], i, f));
  for (const auto& n : f.array("notes", kMaxNotes)) {
    if (!n.is_string() || n.get_ref<const std::string&>().size() > kMaxTextBytes) {
      f.fail("notes", "expected strings of at most " + std::to_string(kMaxTextBytes) + " bytes");
      break;
    }
    m.notes.push_back(n.get<std::string>());
  }
  m.trigger = f.text("trigger", kMaxTextBytes);
  m.quorate = f.boolean("quorate");
  for (const auto& n : f.array("members", kMaxMembers)) {
    if (!n.is_string() || n.get_ref<const std::string&>().empty() || n.get_ref<const std::string&>().size() > kMaxNameBytes) {
      f.fail("members", "expected node names");
      break;
    }
    m.members.push_back(n.get<std::string>());
  }
  return m;
}

Body action_request(JsonFields& f) {
  ActionRequest m;
  m.id = id(f);
  m.index = static_cast<std::uint32_t>(f.unsigned_int("index", kMaxActions - 1));
  return m;
}

Body action_result(JsonFields& f) {
  ActionResult m;
  m.id = id(f);
  m.index = static_cast<std::uint32_t>(f.unsigned_int("index", kMaxActions - 1));
  m.node = name(f, "node");
  m.kind = kind(f, "kind");
  m.resource = f.text("resource", kMaxNameBytes);
  if (f.ok() && (m.kind == ActionKind::fence) != m.resource.empty())
    f.fail("resource", m.kind == ActionKind::fence ? "a fence names no resource" : "empty");
  m.ok = f.boolean("ok");
  m.rc = rc(f);
  m.detail = f.text("detail", kMaxTextBytes);
  m.duration_ms = f.unsigned_int("duration_ms", static_cast<std::uint64_t>(kMaxAgeMs));
  return m;
}

Body set_standby(JsonFields& f) { return SetStandby{name(f, "node"), f.boolean("on")}; }
Body set_maintenance(JsonFields& f) { return SetMaintenance{f.boolean("on")}; }

Body switchover(JsonFields& f) {
  Switchover m;
  m.id = id(f);
  m.group = name(f, "group");
  m.target = f.text("target", kMaxNameBytes);
  return m;
}

Body switchover_end(JsonFields& f) {
  SwitchoverEnd m;
  m.id = id(f);
  std::string result = f.text("result", 16);
  if (f.ok() && result != "done" && result != "failed")
    f.fail("result", "expected done or failed, found \"" + clip_utf8(result, 32) + "\"");
  m.done = result == "done";
  m.to = f.text("to", kMaxNameBytes);
  m.reason = f.text("reason", kMaxTextBytes);
  return m;
}

Body switchover_clear(JsonFields& f) { return SwitchoverClear{name(f, "group")}; }
Body cleanup(JsonFields& f) { return Cleanup{f.text("resource", kMaxNameBytes)}; }
Body restart(JsonFields& f) { return Restart{name(f, "resource")}; }
Body state_sync(JsonFields& f) { return StateSync{snapshot_from_json(f)}; }
Body leaving(JsonFields& f) { return Leaving{name(f, "node")}; }

Body connectivity(JsonFields& f) {
  Connectivity m;
  m.node = name(f, "node");
  m.ok = f.boolean("ok");
  for (const auto& t : f.array("targets", kMaxTargets)) {
    if (!t.is_string() || t.get_ref<const std::string&>().size() > kMaxNameBytes) {
      f.fail("targets", "expected host names of at most " + std::to_string(kMaxNameBytes) + " bytes");
      break;
    }
    m.targets.push_back(t.get<std::string>());
  }
  return m;
}

Body quorum(JsonFields& f) { return Quorum{name(f, "node"), f.boolean("quorate")}; }

Body resource_health(JsonFields& f) {
  ResourceHealth m;
  m.node = name(f, "node");
  m.resource = name(f, "resource");
  m.degraded = f.boolean("degraded");
  m.reason = f.text("reason", kMaxTextBytes);
  return m;
}

Body fence_result(JsonFields& f) {
  FenceResult m;
  m.id = id(f);
  m.index = static_cast<std::uint32_t>(f.unsigned_int("index", kMaxActions - 1));
  m.node = name(f, "node");
  m.ok = f.boolean("ok");
  m.action = f.text("action", 16);
  if (f.ok() && m.action != "off" && m.action != "reboot")
    f.fail("action", "expected off or reboot, found \"" + clip_utf8(m.action, 32) + "\"");
  for (const auto& d : f.array("devices", kMaxFenceDevices)) {
    if (!d.is_string() || d.get_ref<const std::string&>().empty() || d.get_ref<const std::string&>().size() > kMaxNameBytes) {
      f.fail("devices", "expected device names of 1 to " + std::to_string(kMaxNameBytes) + " bytes");
      break;
    }
    m.devices.push_back(d.get<std::string>());
  }
  m.level = static_cast<std::uint32_t>(f.unsigned_int("level", 1000));
  m.duration_ms = f.unsigned_int("duration_ms", static_cast<std::uint64_t>(kMaxAgeMs));
  m.delay_ms = f.unsigned_int("delay_ms", static_cast<std::uint64_t>(kMaxAgeMs));
  m.detail = f.text("detail", kMaxTextBytes);
  return m;
}

Body fence_node(JsonFields& f) { return FenceNode{name(f, "node"), f.text("by", kMaxTextBytes)}; }
Body confirm_off(JsonFields& f) { return ConfirmOff{name(f, "node"), f.text("by", kMaxTextBytes)}; }

Body outdate(JsonFields& f) {
  Outdate m;
  m.volume = name(f, "volume");
  m.node = f.text("node", kMaxNameBytes);
  m.on = f.boolean("on");
  if (f.ok() && m.on && m.node.empty()) f.fail("node", "empty (an outdate names the node)");
  m.by = f.text("by", kMaxTextBytes);
  return m;
}

using Decoder = Body (*)(JsonFields&);
constexpr std::array<std::pair<std::string_view, Decoder>, 22> kDecoders{{
    {"hello", hello},
    {"probe_report", probe_report},
    {"failure", failure},
    {"transition_start", transition_start},
    {"action_request", action_request},
    {"action_result", action_result},
    {"set_standby", set_standby},
    {"set_maintenance", set_maintenance},
    {"switchover", switchover},
    {"switchover_end", switchover_end},
    {"switchover_clear", switchover_clear},
    {"cleanup", cleanup},
    {"restart", restart},
    {"state_sync", state_sync},
    {"leaving", leaving},
    {"connectivity", connectivity},
    {"quorum", quorum},
    {"resource_health", resource_health},
    {"fence_result", fence_result},
    {"fence_node", fence_node},
    {"confirm_off", confirm_off},
    {"outdate", outdate},
}};

}  // namespace

Result<Message> decode(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes)
    return Error{"message of " + std::to_string(bytes.size()) + " bytes: more than the " +
                 std::to_string(kMaxMessageBytes) + " allowed"};
  if (nests_deeper_than(bytes, kMaxDepth))
    return Error{"message nests arrays/objects deeper than " + std::to_string(kMaxDepth) + " levels"};
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"message is not JSON (" + std::to_string(bytes.size()) + " bytes)"};
  if (!j.is_object()) return Error{"message is not a JSON object but " + json_kind(j)};

  JsonFields f(j);
  Message m;
  m.version = static_cast<int>(f.optional_integer("v", 1, 1'000'000).value_or(kLegacyVersion));
  std::string type = f.text("t", 64);
  m.from = f.text("from", kMaxNameBytes);
  std::string who = "message \"" + clip_utf8(type, 64) + "\" from " +
                    (m.from.empty() ? std::string("an unnamed sender") : clip_utf8(m.from, 64));
  if (f.ok() && (type.empty() || m.from.empty())) f.fail(type.empty() ? "t" : "from", "empty");
  if (!f.ok()) return Error{who + ": " + f.finish().message()};
  if (!compatible(m.version)) {
    m.body = ForeignVersion{type};
    return m;
  }
  for (const auto& [known_type, decoder] : kDecoders) {
    if (known_type != type) continue;
    m.body = decoder(f);
    if (auto st = f.finish(); !st) return Error{who + ": " + st.message()};
    return m;
  }
  return Error{who + ": unknown message type"};
}

}  // namespace hamail::cluster::protocol
