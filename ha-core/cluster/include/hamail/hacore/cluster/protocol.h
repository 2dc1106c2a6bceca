// The cluster protocol: the messages hacored nodes multicast through CPG, one struct per
// type, a variant of them (Body), the envelope every message carries (protocol version,
// sender) and the codec. decode() never throws: it checks size, nesting, every field's
// presence, type and bounds, and unknown fields, and names what is wrong. A message of a
// version this node cannot read decodes to ForeignVersion (its envelope only), so an
// incompatible peer is recognized, never misread. Wire format: one JSON object,
//   {"v": 2, "t": "<type>", "from": "<node>", ...fields of the type}
// "v", "t" and "from" mean the same in every version, forever; a message without "v" is
// version 1 (hacored before this protocol). Any change of a type's fields is a new version.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/cluster/state_snapshot.h"
#include "hamail/hacore/scheduler/cluster_state.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::cluster::protocol {

inline constexpr int kVersion = 5;  // 3: fencing (fence_result, fence_node, confirm_off, outdate); 4: probe_report.busy;
                                    // 5: transition_start.quorate and .members, hello.config
inline constexpr int kLegacyVersion = 1;  // what a message without "v" is
// Whether this node reads (and may cooperate with) a peer speaking `version`.
constexpr bool compatible(int version) { return version == kVersion; }

// Bounds: anything larger is refused before it is read.
inline constexpr std::size_t kMaxMessageBytes = 2u << 20;
inline constexpr std::size_t kMaxDepth = 12;
inline constexpr std::size_t kMaxNameBytes = 255;     // node, resource, group, operation names
inline constexpr std::size_t kMaxTextBytes = 4096;    // reasons, details, notes
inline constexpr std::size_t kMaxActions = 1024;
inline constexpr std::size_t kMaxNotes = 64;
inline constexpr std::size_t kMaxResources = 1024;
inline constexpr std::size_t kMaxTargets = 64;
inline constexpr std::size_t kMaxEventBytes = 64 * 1024;  // one event of a state_sync history
inline constexpr std::int64_t kMaxAgeMs = 100LL * 365 * 24 * 3600 * 1000;
inline constexpr std::uint64_t kMaxId = (1ULL << 62);
inline constexpr int kMaxRc = 255;
inline constexpr std::size_t kMaxFenceDevices = 64;
inline constexpr std::size_t kMaxMembers = 64;

// "I am here, speaking the envelope's version, with this cluster.yaml" (its sha256, hex).
struct Hello {
  std::string node;
  std::string config;
};
struct ProbeReport {
  std::string node;
  std::map<std::string, scheduler::ResourceStatus> resources;  // what runs there (absent: stopped)
  std::set<std::string> busy;  // an action still runs there (its transition may have ended): no plan until its result
};
struct Failure {
  std::string node, resource;
  std::string op = "monitor";
  int rc = 1;
  std::string reason;
};
struct TransitionStart {
  std::uint64_t id = 0;
  std::uint64_t facts = 0;  // the facts epoch the plan was made from: stale plans are refused
  std::vector<scheduler::Action> actions;
  std::vector<std::string> notes;
  std::string trigger;
  bool quorate = true;  // the DC's quorum when it planned: a node whose quorum differs refuses the plan
  std::vector<std::string> members;  // the group it was planned for: refused after any change of it
};
struct ActionRequest {
  std::uint64_t id = 0;
  std::uint32_t index = 0;
};
struct ActionResult {
  std::uint64_t id = 0;
  std::uint32_t index = 0;
  std::string node;
  std::string resource;  // empty for a fence
  scheduler::ActionKind kind = scheduler::ActionKind::start;
  bool ok = false;
  int rc = 1;
  std::string detail;
  std::uint64_t duration_ms = 0;
};
struct SetStandby { std::string node; bool on = false; };
struct SetMaintenance { bool on = false; };
struct Switchover {
  std::uint64_t id = 0;
  std::string group;
  std::string target;  // empty: the other node
};
struct SwitchoverEnd {
  std::uint64_t id = 0;
  bool done = false;   // "result": "done" | "failed"
  std::string to;
  std::string reason;
};
struct SwitchoverClear { std::string group; };
struct Cleanup { std::string resource; };  // empty: every resource
struct Restart { std::string resource; };
struct StateSync { StateSnapshot state; };
struct Leaving { std::string node; };
struct Connectivity {
  std::string node;
  bool ok = true;
  std::vector<std::string> targets;
};
struct Quorum { std::string node; bool quorate = false; };  // informational
// A resource running on `node` whose monitor says it is degraded (OCF 190/191: running, with
// a problem the operator should see), or healthy again. Sent when it changes.
struct ResourceHealth {
  std::string node, resource;
  bool degraded = false;
  std::string reason;
};
// The DC fenced `node` (action_request of a fence): the outcome, the level and devices used.
struct FenceResult {
  std::uint64_t id = 0;
  std::uint32_t index = 0;
  std::string node;
  bool ok = false;
  std::string action;                 // off | reboot
  std::vector<std::string> devices;   // of the level that succeeded, or the last one tried
  std::uint32_t level = 0;            // 1-based; 0: no level ran
  std::uint64_t duration_ms = 0;      // the agents' runs, after any delay
  std::uint64_t delay_ms = 0;         // waited before shooting (race, device delays)
  std::string detail;                 // why it failed, or how it was confirmed
};
// An operator asked to fence `node` (hactl fence NODE); `by` says who.
struct FenceNode { std::string node, by; };
// An operator confirmed that `node` is off (hactl fence NODE --confirm-off).
struct ConfirmOff { std::string node, by; };
// drbd-lite's fence-peer through ha-core: volume `volume` may not be promoted on `node`
// (outdated at the cluster level) until cleared (on=false: unfence-peer).
struct Outdate {
  std::string volume;
  std::string node;
  bool on = true;
  std::string by;
};
struct ForeignVersion { std::string type; };                 // unreadable: only the envelope

using Body = std::variant<Hello, ProbeReport, Failure, TransitionStart, ActionRequest, ActionResult, SetStandby,
                          SetMaintenance, Switchover, SwitchoverEnd, SwitchoverClear, Cleanup, Restart, StateSync,
                          Leaving, Connectivity, Quorum, ResourceHealth, FenceResult, FenceNode, ConfirmOff,
                          Outdate, ForeignVersion>;

struct Message {
  int version = kVersion;
  std::string from;
  Body body;
};

// "probe_report", "action_result", ... (ForeignVersion: the type it claimed).
std::string type_name(const Body& body);
// The wire bytes (strings are assumed valid UTF-8; see clip_utf8).
std::string encode(const Message& message);
// Never throws. Errors read like: message "action_result" from node2: field "index":
// expected an unsigned integer, found a string.
Result<Message> decode(std::string_view bytes);

}  // namespace hamail::cluster::protocol
