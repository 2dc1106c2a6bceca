// AgentRunner: this node's resource agents as the shell needs them (the Executor in
// hacored): one action at a time per resource (start, stop, promote, demote, or a probe:
// a one-shot monitor) and recurring monitors. A result always comes back later through
// its callback, never from inside the call; a call fails at once for an unknown resource
// or a full queue.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/hacore/cluster/effects.h"

namespace hamail::hacore {

class AgentRunner {
 public:
  enum class Op { probe, start, stop, promote, demote };
  using Done = std::function<void(const cluster::AgentOutcome&)>;

  virtual ~AgentRunner() = default;
  virtual Status run(const std::string& resource, Op op, Done done) = 0;
  // Every interval_ms, the monitor's result (rc 0 or 8 running, 7 not running, ...).
  virtual Status start_monitor(const std::string& resource, std::uint64_t interval_ms, Done on_result) = 0;
  virtual void cancel_monitor(const std::string& resource, std::uint64_t interval_ms) = 0;
};

}  // namespace hamail::hacore
