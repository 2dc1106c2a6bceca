// What the ClusterCore asks its shell to do after an input (Effects), the local agent
// action it asks for (LocalAction) and the agent's answer in the core's terms
// (AgentOutcome). The shell carries the effects out in order and feeds results back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/hacore/cluster/protocol.h"
#include "hamail/hacore/scheduler/transition.h"

namespace hamail::cluster {

// A local agent action the DC asked this node to run.
struct LocalAction {
  std::uint64_t transition = 0;
  std::uint32_t index = 0;
  std::string resource;
  scheduler::ActionKind kind = scheduler::ActionKind::start;
};

// A fence this node runs for the cluster (it is the fence executor of the DC's
// action_request): the devices come from the configuration's topology for `target`.
struct FenceJob {
  std::uint64_t transition = 0;
  std::uint32_t index = 0;
  std::string target;
  std::string action = "reboot";               // off | reboot
  std::string reason;
  std::int64_t delay_ms = 0;                   // the race delay: wait before shooting
  std::string delay_reason;
};

// How a FenceJob went (the fence runner's answer).
struct FenceOutcome {
  bool ok = false;
  std::string detail;                          // why it failed / how it was confirmed
  std::vector<std::string> devices;            // of the level that succeeded (or the last tried)
  std::uint32_t level = 0;                     // 1-based; 0: none ran
  std::uint64_t duration_ms = 0;               // the agents' runs
  std::uint64_t delay_ms = 0;                  // waited before them
};

struct Effects {
  std::vector<protocol::Message> broadcast;    // to every node (including this one), in order
  std::vector<LocalAction> run;                // agent actions to run here
  std::vector<FenceJob> fence;                 // fences to run from here
  std::vector<std::string> cancel_fences;      // targets confirmed off: drop their fences not yet run
  std::vector<std::string> probes;             // one-shot monitors of local resources
  std::vector<std::string> start_monitors;     // recurring monitors to start / stop here
  std::vector<std::string> stop_monitors;
  std::vector<nlohmann::json> events;          // what the operator watches (also kept in the state)
};

// Agent result in the terms the core needs (the executor's result, reduced).
struct AgentOutcome {
  bool ok = false;
  int rc = 1;                                  // OCF exit code
  std::string detail;                          // "not running (exit code 7)", "timed out after 20000 ms"
  std::uint64_t duration_ms = 0;
};

}  // namespace hamail::cluster
