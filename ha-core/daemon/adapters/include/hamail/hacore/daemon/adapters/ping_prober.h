// PingProber: the shell's ReachabilityProber in hacored: one `ping -c 1 -W 1` per target
// (3 s timeout each, output bounded), all at once; done(any answered) when the last ends.
#pragma once

#include <memory>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/hacore/daemon/connectivity_reporter.h"
#include "hamail/uv/child_process.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/timer.h"

namespace hamail::hacore {

class PingProber : public ReachabilityProber {
 public:
  PingProber(uv::EventLoop& loop, const Logger& log) : loop_(loop), log_(log), later_(loop) {}
  // One round at a time (ConnectivityReporter guarantees it).
  void probe(const std::vector<std::string>& targets, std::function<void(bool)> done) override;

 private:
  uv::EventLoop& loop_;
  const Logger& log_;
  uv::Timer later_;
  std::vector<std::unique_ptr<uv::ChildProcess>> pings_;
  int pending_ = 0;
  int answers_ = 0;
};

}  // namespace hamail::hacore
