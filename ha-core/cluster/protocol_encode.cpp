// protocol::encode and type_name: a typed Message to its wire bytes. Never throws (a
// string that is not valid UTF-8 is replaced, not refused).
#include "hamail/hacore/cluster/protocol.h"
#include "snapshot_codec.h"

namespace hamail::cluster::protocol {
namespace {

using nlohmann::json;

json action_json(const scheduler::Action& a) {
  return {{"node", a.node}, {"resource", a.resource}, {"kind", scheduler::to_string(a.kind)}, {"reason", a.reason}};
}

struct Fields {
  json& j;
  void operator()(const Hello& m) { j.update({{"node", m.node}, {"config", m.config}}); }
  void operator()(const ProbeReport& m) {
    json r = json::object();
    for (const auto& [res, st] : m.resources) r[res] = scheduler::to_string(st);
    j["node"] = m.node;
    j["resources"] = r;
    j["busy"] = m.busy;
  }
  void operator()(const Failure& m) {
    j.update({{"node", m.node}, {"resource", m.resource}, {"op", m.op}, {"rc", m.rc}, {"reason", m.reason}});
  }
  void operator()(const TransitionStart& m) {
    json acts = json::array();
    for (const auto& a : m.actions) acts.push_back(action_json(a));
    j.update({{"id", m.id}, {"facts", m.facts}, {"actions", acts}, {"notes", m.notes}, {"trigger", m.trigger}, {"quorate", m.quorate},
              {"members", m.members}});
  }
  void operator()(const ActionRequest& m) { j.update({{"id", m.id}, {"index", m.index}}); }
  void operator()(const ActionResult& m) {
    j.update({{"id", m.id}, {"index", m.index}, {"node", m.node}, {"resource", m.resource},
              {"kind", scheduler::to_string(m.kind)}, {"ok", m.ok}, {"rc", m.rc}, {"detail", m.detail},
              {"duration_ms", m.duration_ms}});
  }
  void operator()(const SetStandby& m) { j.update({{"node", m.node}, {"on", m.on}}); }
  void operator()(const SetMaintenance& m) { j["on"] = m.on; }
  void operator()(const Switchover& m) { j.update({{"id", m.id}, {"group", m.group}, {"target", m.target}}); }
  void operator()(const SwitchoverEnd& m) {
    j.update({{"id", m.id}, {"result", m.done ? "done" : "failed"}, {"to", m.to}, {"reason", m.reason}});
  }
  void operator()(const SwitchoverClear& m) { j["group"] = m.group; }
  void operator()(const Cleanup& m) { j["resource"] = m.resource; }
  void operator()(const Restart& m) { j["resource"] = m.resource; }
  void operator()(const StateSync& m) { j["state"] = snapshot_to_json(m.state); }
  void operator()(const Leaving& m) { j["node"] = m.node; }
  void operator()(const Connectivity& m) { j.update({{"node", m.node}, {"ok", m.ok}, {"targets", m.targets}}); }
  void operator()(const Quorum& m) { j.update({{"node", m.node}, {"quorate", m.quorate}}); }
  void operator()(const ResourceHealth& m) {
    j.update({{"node", m.node}, {"resource", m.resource}, {"degraded", m.degraded}, {"reason", m.reason}});
  }
  void operator()(const FenceResult& m) {
    j.update({{"id", m.id}, {"index", m.index}, {"node", m.node}, {"ok", m.ok}, {"action", m.action},
              {"devices", m.devices}, {"level", m.level}, {"duration_ms", m.duration_ms}, {"delay_ms", m.delay_ms},
              {"detail", m.detail}});
  }
  void operator()(const FenceNode& m) { j.update({{"node", m.node}, {"by", m.by}}); }
  void operator()(const ConfirmOff& m) { j.update({{"node", m.node}, {"by", m.by}}); }
  void operator()(const Outdate& m) { j.update({{"volume", m.volume}, {"node", m.node}, {"on", m.on}, {"by", m.by}}); }
  void operator()(const ForeignVersion&) {}
};

struct Names {
  std::string operator()(const Hello&) { return "hello"; }
  std::string operator()(const ProbeReport&) { return "probe_report"; }
  std::string operator()(const Failure&) { return "failure"; }
  std::string operator()(const TransitionStart&) { return "transition_start"; }
  std::string operator()(const ActionRequest&) { return "action_request"; }
  std::string operator()(const ActionResult&) { return "action_result"; }
  std::string operator()(const SetStandby&) { return "set_standby"; }
  std::string operator()(const SetMaintenance&) { return "set_maintenance"; }
  std::string operator()(const Switchover&) { return "switchover"; }
  std::string operator()(const SwitchoverEnd&) { return "switchover_end"; }
  std::string operator()(const SwitchoverClear&) { return "switchover_clear"; }
  std::string operator()(const Cleanup&) { return "cleanup"; }
  std::string operator()(const Restart&) { return "restart"; }
  std::string operator()(const StateSync&) { return "state_sync"; }
  std::string operator()(const Leaving&) { return "leaving"; }
  std::string operator()(const Connectivity&) { return "connectivity"; }
  std::string operator()(const Quorum&) { return "quorum"; }
  std::string operator()(const ResourceHealth&) { return "resource_health"; }
  std::string operator()(const FenceResult&) { return "fence_result"; }
  std::string operator()(const FenceNode&) { return "fence_node"; }
  std::string operator()(const ConfirmOff&) { return "confirm_off"; }
  std::string operator()(const Outdate&) { return "outdate"; }
  std::string operator()(const ForeignVersion& m) { return m.type; }
};

}  // namespace

std::string type_name(const Body& body) { return std::visit(Names{}, body); }

std::string encode(const Message& message) {
  json j = {{"v", message.version}, {"t", type_name(message.body)}, {"from", message.from}};
  std::visit(Fields{j}, message.body);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace hamail::cluster::protocol
