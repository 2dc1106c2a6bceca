// One more UDP event loop on a thread of its own (`threads: N` > 1): its own socket on each
// listener's address and port (SO_REUSEPORT: the kernel spreads clients over the loops),
// its own UdpAnswerer (scratch, reply buffers, RRL), and the zone generation the main loop
// hands over with publish() (a shared_ptr swap under a mutex, the loop woken by uv_async).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dnsd/dnsd_config.h"
#include "hamail/mailsvc/dnsd/udp_answerer.h"

namespace hamail::mailsvc::dnsd {

class UdpWorker {
 public:
  // Binds a socket per listener at ports[i] (the main loop's, bound first with
  // SO_REUSEPORT) and starts the thread.
  static Result<std::unique_ptr<UdpWorker>> start(const DnsdConfig& config, const std::vector<std::uint16_t>& ports,
                                                  std::shared_ptr<const dns::Authority> authority);
  ~UdpWorker();  // stops the loop and joins the thread
  UdpWorker(const UdpWorker&) = delete;
  UdpWorker& operator=(const UdpWorker&) = delete;

  // From any thread: the loop answers from `authority` from its next wake-up on.
  void publish(std::shared_ptr<const dns::Authority> authority);
  const UdpCounters& counters() const;
  std::uint64_t dropped_sends() const;

  struct Impl;

 private:
  explicit UdpWorker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hamail::mailsvc::dnsd
