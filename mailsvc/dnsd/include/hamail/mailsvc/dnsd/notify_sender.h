// NOTIFY (RFC 1996) to a zone's secondaries after its serial changed: one SOA NOTIFY per
// target over UDP, resent every retry interval until a matching response (QR, same id and
// zone) comes back or the attempts run out. At most kMaxPending notifies are in flight.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/timer.h"
#include "hamail/mailsvc/dns/name.h"
#include "hamail/mailsvc/dnsd/dnsd_config.h"
#include "hamail/mailsvc/dnsd/udp_socket.h"

namespace hamail::mailsvc::dnsd {

// The NOTIFY query for `zone` (opcode NOTIFY, AA, question zone IN SOA) with `id`.
std::vector<std::uint8_t> notify_message(const dns::Name& zone, std::uint16_t id);

class NotifySender {
 public:
  static constexpr std::size_t kMaxPending = 256;
  static constexpr int kAttempts = 5;
  static constexpr std::uint64_t kRetryMs = 1000;

  NotifySender(uv::EventLoop& loop, const Logger& log) : loop_(loop), log_(log), timer_(loop) {}
  void notify(const dns::Name& zone, const NotifyTarget& target);
  std::uint64_t acknowledged() const { return acknowledged_; }
  std::uint64_t failed() const { return failed_; }

 private:
  struct Pending {
    dns::Name zone;
    NotifyTarget target;
    sockaddr_storage addr{};
    std::vector<std::uint8_t> message;
    int attempts = 0;
    std::uint64_t next_ms = 0;
  };
  UdpSocket* socket_for(int family);
  void on_response(std::span<const std::uint8_t> packet, const sockaddr* from);
  void tick();
  void arm();

  uv::EventLoop& loop_;
  const Logger& log_;
  uv::Timer timer_;
  std::unique_ptr<UdpSocket> v4_, v6_;
  std::map<std::uint16_t, Pending> pending_;  // by message id
  std::uint64_t acknowledged_ = 0, failed_ = 0;
};

}  // namespace hamail::mailsvc::dnsd
