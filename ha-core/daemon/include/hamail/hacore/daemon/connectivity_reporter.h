// ConnectivityReporter: ipfail. Every interval main() calls on_interval(); one round asks
// the ReachabilityProber (ping in hacored) whether any target answers; the
// ConnectivityTracker's hysteresis decides when reachability changed, and only then is a
// connectivity message multicast (the DC moves groups to the node that still reaches
// them). One round at a time: a slow round is never overlapped.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hamail/hacore/cluster/connectivity.h"
#include "hamail/hacore/daemon/node_shell.h"

namespace hamail::hacore {

class ReachabilityProber {
 public:
  virtual ~ReachabilityProber() = default;
  // Calls `done` later (never from inside the call) with whether any target answered.
  virtual void probe(const std::vector<std::string>& targets, std::function<void(bool any_answered)> done) = 0;
};

class ConnectivityReporter {
 public:
  ConnectivityReporter(NodeShell& shell, ReachabilityProber& prober);
  void on_interval();
  bool round_running() const { return running_; }

 private:
  NodeShell& shell_;
  ReachabilityProber& prober_;
  cluster::ConnectivityTracker tracker_;
  bool running_ = false;
};

}  // namespace hamail::hacore
