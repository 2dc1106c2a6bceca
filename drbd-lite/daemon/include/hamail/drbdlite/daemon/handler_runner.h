// HandlerRunner: runs one volume's handlers (cluster.yaml `handlers:`, DRBD's fence-peer,
// unfence-peer, split-brain, pri-lost-after-sb, after-resync-target) as `/bin/sh -c COMMAND`
// on common's ChildProcess, with the volume and both nodes in the environment (handler_env());
// one still running after handler_timeout is killed with its process group. Each run's end
// is reported (the core needs fence-peer's answer).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/drbdlite/config/drbd_config.h"
#include "hamail/drbdlite/core/policy.h"
#include "hamail/uv/child_process.h"
#include "hamail/uv/event_loop.h"

namespace hamail::drbdlite {

// Who the handlers run for: DRBD_RESOURCE, DRBD_NODE, DRBD_PEER, DRBD_PEER_ADDRESS.
struct HandlerContext {
  std::string volume, node, peer, peer_addr;
};

// The environment a handler gets (nothing else is inherited but PATH):
//   DRBD_RESOURCE=r0 DRBD_VOLUME=r0 DRBD_HANDLER=fence-peer DRBD_NODE=node1 DRBD_PEER=node2
//   DRBD_PEER_ADDRESS=10.0.1.2 PATH=...
std::vector<std::string> handler_env(const HandlerContext& c, Handler h, const std::string& path);

class HandlerRunner {
 public:
  using Done = std::function<void(const HandlerRequest& request, const HandlerResult& result)>;
  static constexpr std::size_t kMaxRunning = 8;  // per volume: the core runs one fence-peer at a time

  HandlerRunner(uv::EventLoop& loop, const Logger& log, VolumeHandlers commands, std::uint64_t timeout_ms,
                HandlerContext context);
  ~HandlerRunner();  // kills what still runs (their Done is not called)

  // Starts the handler; `done` runs when it ended, or at once when it is not configured
  // (exit -1, "not configured") or cannot start.
  void run(const HandlerRequest& request, Done done);
  std::size_t running() const { return running_.size(); }

 private:
  const std::string& command(Handler h) const;
  void finish(const HandlerRequest& request, const uv::ChildResult& r, const Done& done);

  uv::EventLoop& loop_;
  const Logger& log_;
  VolumeHandlers commands_;
  std::uint64_t timeout_ms_;
  HandlerContext context_;
  std::map<std::uint64_t, std::unique_ptr<uv::ChildProcess>> running_;  // by HandlerRequest::id
};

}  // namespace hamail::drbdlite
