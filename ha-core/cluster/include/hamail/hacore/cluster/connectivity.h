// ConnectivityTracker: whether this node can reach its ping targets (Heartbeat's ipfail,
// Pacemaker's ping), with hysteresis: the state flips only after `threshold` rounds in a
// row say otherwise, so a flapping link does not bounce the groups between nodes.
#pragma once

#include <optional>

namespace hamail::cluster {

class ConnectivityTracker {
 public:
  explicit ConnectivityTracker(int threshold) : threshold_(threshold < 1 ? 1 : threshold) {}

  // One round: did any target answer? Returns the new state when it changed.
  std::optional<bool> round(bool any_answered) {
    if (any_answered == ok_) {
      streak_ = 0;
      return std::nullopt;
    }
    if (++streak_ < threshold_) return std::nullopt;
    streak_ = 0;
    ok_ = any_answered;
    return ok_;
  }
  bool ok() const { return ok_; }

 private:
  int threshold_;
  int streak_ = 0;  // consecutive rounds that disagree with ok_
  bool ok_ = true;  // assumed reachable until proven otherwise
};

}  // namespace hamail::cluster
