// The trace of one deterministic simulator run (drbdlite-sim, hacore-sim): lines
// "t=12.340 node1 text" stamped with simulated time, each handed to a sink as it is made (so
// a run that aborts has still printed it), and kept: every line, or only the last `tail`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hamail {

// Gets each trace line as it is made (`SIM --seed N --trace` prints them).
using TraceSink = std::function<void(const std::string&)>;

class SimTrace {
 public:
  SimTrace(std::size_t tail, bool keep_all, TraceSink sink);

  // "t=<now> <node> <text>"; an empty node leaves its word out.
  void add(std::int64_t now_ms, std::string_view node, std::string_view text);
  // Every line when keep_all, else the last `tail`.
  std::vector<std::string> lines() const;

 private:
  std::size_t tail_;
  bool keep_all_;
  TraceSink sink_;
  std::deque<std::string> last_;
  std::vector<std::string> all_;
};

// Simulated milliseconds as seconds with three decimals: 12340 -> "12.340".
std::string sim_seconds(std::int64_t ms);

}  // namespace hamail
