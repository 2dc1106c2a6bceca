// drbdlited's Prometheus metrics (common/metrics): per volume, the states and resync
// progress read at each scrape from the status `drbdlite status --json` shows, and the
// application writes (count, bytes, latency to completion) as VolumeRunner reports them.
// No libuv: drbdlited's main() serves render() through a MetricsServer.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "hamail/metrics/registry.h"

namespace hamail::drbdlite {

// One application write completed (an NBD write, from its arrival to its completion).
struct WriteSample {
  std::uint64_t bytes = 0;
  double seconds = 0;
  bool ok = true;
  bool peer_connected = false;  // the link was up when it arrived: it was mirrored (protocol C: acked by the peer)
};

class DrbdMetrics {
 public:
  DrbdMetrics();

  void on_write(const std::string& volume, const WriteSample& w);

  // The exposition text: write counters so far, and gauges from `volumes` (the
  // VolumeRunner::status() of each volume, as in `drbdlite status --json`).
  std::string render(const nlohmann::json& volumes);

 private:
  void collect(const nlohmann::json& v);

  metrics::Registry registry_;
};

}  // namespace hamail::drbdlite
