// An AF_PACKET raw socket bound to one interface and one EtherType: sends whole Ethernet
// frames and receives the frames other machines send, until a monotonic deadline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hamail/base/result.h"
#include "hamail/agents/vip/packets.h"

namespace hamail::vip {

std::int64_t monotonic_ms();

class RawSocket {
 public:
  static Result<RawSocket> open(int ifindex, const std::string& ifname, std::uint16_t ethertype);
  RawSocket(RawSocket&& o) noexcept;
  RawSocket& operator=(RawSocket&&) = delete;
  ~RawSocket();

  Status send(const Frame& frame);
  // The next incoming frame (our own outgoing ones skipped), or nullopt at the deadline.
  Result<std::optional<Frame>> receive_until(std::int64_t deadline_ms);
  // Whether opening failed for lack of privilege (so the caller can answer OCF_ERR_PERM).
  static bool is_permission_error(const std::string& message);

 private:
  RawSocket(int fd, std::string ifname) : fd_(fd), ifname_(std::move(ifname)) {}
  int fd_ = -1;
  std::string ifname_;
};

}  // namespace hamail::vip
