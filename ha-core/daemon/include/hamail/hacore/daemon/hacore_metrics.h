// hacored's Prometheus metrics (common/metrics): counters and duration histograms fed from
// the core's event stream as it happens, gauges read at each scrape from the status the
// core reports (what `hactl status --json` shows). No libuv: hacored's main() serves
// render() through a MetricsServer; tests drive it with the two-node shell.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "hamail/metrics/registry.h"

namespace hamail::hacore {

class HacoreMetrics {
 public:
  HacoreMetrics();

  // One event of the core (NodeShell's event listener): failovers, switchovers, fences,
  // resource failures are counted; failover and switchover durations observed.
  void on_event(const nlohmann::json& event);

  // The exposition text: the counters so far, and gauges set from `status`
  // (ClusterCore::status() with the fencer's device health, as hactl gets it).
  std::string render(const nlohmann::json& status);

 private:
  void collect(const nlohmann::json& status);
  void collect_groups(const nlohmann::json& status);

  metrics::Registry registry_;
};

}  // namespace hamail::hacore
