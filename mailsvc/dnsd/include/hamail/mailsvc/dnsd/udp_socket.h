// A UDP socket on the loop (libuv uv_udp_t): datagrams in through a callback (read in
// batches with recvmmsg where the kernel has it), answers out: those sent from the
// callback of a batch go together in one sendmmsg when the batch ends, others with
// uv_udp_try_send; either falls back to a queued send when the kernel buffer is full (a
// bounded number queued; beyond, the answer is dropped and counted, as a full buffer would).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "hamail/base/result.h"
#include "hamail/uv/event_loop.h"

namespace hamail::mailsvc::dnsd {

class UdpSocket {
 public:
  using OnPacket = std::function<void(std::span<const std::uint8_t> packet, const sockaddr* from)>;
  static constexpr std::size_t kMaxQueuedSends = 256;
  static constexpr std::size_t kRecvBatch = 20;  // datagrams per recvmmsg() (libuv 1.44 reads at most 20)

  // Binds `address`:`port` (port 0: any free port); `on_packet` gets every datagram.
  // `reuse_port`: SO_REUSEPORT first, so the sockets of several loops share the port.
  static Result<std::unique_ptr<UdpSocket>> bind(uv::EventLoop& loop, const std::string& address, std::uint16_t port,
                                                 OnPacket on_packet, bool reuse_port = false);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // False when the datagram could not be sent or queued. Called from the packet callback
  // of a recvmmsg batch, the datagram is copied and sent when the batch ends.
  bool send(std::span<const std::uint8_t> data, const sockaddr* to);
  std::uint16_t local_port() const { return port_; }
  std::uint64_t dropped_sends() const;  // may be read from another thread

  struct State;

 private:
  UdpSocket() = default;
  State* state_ = nullptr;  // freed by the handle's close callback
  std::uint16_t port_ = 0;
};

// A numeric address and port as a socket address (false when not numeric).
bool make_sockaddr(const std::string& address, std::uint16_t port, sockaddr_storage& out);
// "127.0.0.1:53" / "[::1]:53" -> socket address; false when it is not that form.
bool parse_peer(const std::string& peer, sockaddr_storage& out);

}  // namespace hamail::mailsvc::dnsd
