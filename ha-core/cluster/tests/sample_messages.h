// One valid message of every type of the cluster protocol, for round trips and as the
// starting point of malformed variants (the fuzz seed corpus holds the same shapes).
#pragma once

#include <vector>

#include "hamail/hacore/cluster/protocol.h"

namespace hamail::cluster::samples {

using scheduler::ActionKind;
using scheduler::ResourceStatus;

inline StateSnapshot sample_snapshot() {
  StateSnapshot s;
  s.nodes["node1"] = NodeFlags{false, true};
  s.nodes["node2"] = NodeFlags{true, false};
  s.failures.push_back({"smtpd", "node1", 2, 4000, "monitor"});
  s.maintenance = false;
  s.switchover = SwitchoverSnapshot{77, "mail", "node2", "node1", 1500, true};
  s.last_transition_id = 9;
  s.last_transition = nlohmann::json{{"id", 9}, {"result", "done"}, {"actions", 3}, {"duration_ms", 120}};
  s.events.push_back({{"ts", "2026-11-26T14:08:51.123Z"}, {"ts_ms", 1700000000000}, {"event", "node_joined"},
                      {"node", "node2"}});
  s.failed_actions.push_back({{"node", "node1"}, {"resource", "smtpd"}, {"action", "monitor"}, {"rc", 7}});
  s.fencing_history.push_back({{"node", "node2"}, {"result", "failed"}});
  s.outdated.push_back({"r0", "node2", "fence-peer on node1"});
  return s;
}

// From node1 (the DC in the two-node test configuration) unless the type says otherwise.
inline std::vector<protocol::Message> one_of_each() {
  using namespace protocol;
  std::vector<Message> out;
  auto add = [&](Body b, std::string from = "node1") { out.push_back(Message{kVersion, std::move(from), std::move(b)}); };
  add(Hello{"node1", "0123456789abcdef"});
  add(ProbeReport{"node1", {{"vip", ResourceStatus::started}, {"vol", ResourceStatus::promoted}}, {"vol"}});
  add(Failure{"node1", "smtpd", "monitor", 7, "not running"});
  add(TransitionStart{10, 0,
                      {{"node1", "vip", ActionKind::start, "group mail starts"},
                       {"node2", "", ActionKind::fence, "node2 is unclean"}},
                      {"WARNING: stonith is disabled"},
                      "group mail starts"});
  add(ActionRequest{10, 0});
  add(ActionResult{10, 0, "node1", "vip", ActionKind::start, true, 0, "", 42});
  add(SetStandby{"node2", true});
  add(SetMaintenance{true});
  add(protocol::Switchover{1234567, "mail", "node2"});
  add(SwitchoverEnd{1234567, true, "node2", ""});
  add(SwitchoverClear{"mail"});
  add(Cleanup{"smtpd"});
  add(Restart{"smtpd"});
  add(StateSync{sample_snapshot()});
  add(Leaving{"node1"});
  add(Connectivity{"node1", false, {"192.0.2.1", "gw.example"}});
  add(Quorum{"node1", true});
  add(ResourceHealth{"node1", "vol", true, "r0_monitor_10000: promoted (degraded) (exit code 191): StandAlone"});
  add(FenceResult{10, 1, "node2", true, "off", {"pdu-a", "pdu-b"}, 2, 310, 5000, "off, confirmed by status"});
  add(FenceNode{"node2", "user root (uid 0, pid 42)"});
  add(ConfirmOff{"node2", "user root (uid 0, pid 42)"});
  add(Outdate{"r0", "node2", true, "fence-peer on node1"});
  return out;
}

}  // namespace hamail::cluster::samples
