#include "hamail/hacore/daemon/connectivity_reporter.h"

namespace hamail::hacore {

ConnectivityReporter::ConnectivityReporter(NodeShell& shell, ReachabilityProber& prober)
    : shell_(shell), prober_(prober), tracker_(shell.config().connectivity.failures) {}

void ConnectivityReporter::on_interval() {
  const auto& targets = shell_.config().connectivity.targets;
  if (running_ || targets.empty()) return;
  running_ = true;
  prober_.probe(targets, [this](bool any_answered) {
    running_ = false;
    auto changed = tracker_.round(any_answered);
    if (!changed) return;
    shell_.log()
        .warning(*changed ? "connectivity_regained_local" : "connectivity_lost_local")
        .kv("targets", nlohmann::json(shell_.config().connectivity.targets).dump());
    (void)shell_.send(shell_.core().connectivity_report(*changed));  // a failure is logged by send()
  });
}

}  // namespace hamail::hacore
