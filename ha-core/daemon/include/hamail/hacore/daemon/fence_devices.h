// FenceDevices: this node's fencing devices as the Fencer needs them: one run of one
// device's fence agent (the fence-agents protocol: key=value lines on stdin; action off,
// on, reboot, status, monitor; exit 0 success, 1 failure, status 2 = off). hacored runs
// the agent programs (FenceAgentRunner); tests fake them. A result always comes back
// later through its callback, never from inside the call; a call fails at once when the
// agent cannot be started (not installed, not executable).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/hacore/config/cluster_config.h"

namespace hamail::hacore {

class FenceDevices {
 public:
  struct Run {
    int rc = 1;                 // the agent's exit code (-1: killed)
    bool timed_out = false;
    std::string detail;         // "exit code 1: <its last error line>", never a secret
    std::uint64_t duration_ms = 0;
  };
  using Done = std::function<void(const Run&)>;

  virtual ~FenceDevices() = default;
  // `target`: the node to act on (its plug comes from the device's host_map); empty for
  // monitor, which checks the device itself.
  virtual Status run(const config::StonithDevice& device, const std::string& action, const std::string& target,
                     Done done) = 0;
};

}  // namespace hamail::hacore
