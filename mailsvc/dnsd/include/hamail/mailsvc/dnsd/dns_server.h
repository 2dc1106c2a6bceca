// dnsd's shell: the UDP and TCP listeners on the loop, each query answered by the current
// zone generation's Authority (RRL on UDP), AXFR streamed over TCP to allowed addresses,
// reloads built off the loop and swapped in on it, NOTIFY to secondaries after a serial
// change, and the control socket (reload, status).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/base/log.h"
#include "hamail/control/control_server.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/mailsvc/dnsd/dnsd_config.h"
#include "hamail/mailsvc/dnsd/notify_sender.h"
#include "hamail/mailsvc/dnsd/rate_limiter.h"
#include "hamail/mailsvc/dnsd/tcp_framer.h"
#include "hamail/mailsvc/dnsd/udp_answerer.h"
#include "hamail/mailsvc/dnsd/udp_socket.h"
#include "hamail/mailsvc/dnsd/udp_worker.h"
#include "hamail/mailsvc/dnsd/zone_set.h"

namespace hamail::mailsvc::dnsd {

// The main loop's TCP and reload counters (UDP's are each loop's UdpCounters).
struct DnsCounters {
  std::uint64_t tcp_queries = 0, responses = 0, dropped = 0, axfr = 0, axfr_refused = 0, tcp_refused = 0, reloads = 0;
};

class DnsServer {
 public:
  static constexpr std::size_t kTcpWriteLimit = 256 * 1024;  // a reader slower than this is cut off

  DnsServer(uv::EventLoop& loop, const Logger& log, DnsdConfig config);
  ~DnsServer();

  // Loads the zones (blocking; logs each failure) and binds every listener (UDP and TCP)
  // and the control socket. Call as root before dropping privileges.
  Status start();
  // Builds the next generation off the loop, swaps it in, sends NOTIFY for changed serials.
  // A reload asked while one runs is done once it ends.
  void reload(const std::string& why);
  nlohmann::json status() const;
  const std::vector<std::uint16_t>& bound_ports() const { return ports_; }

 private:
  struct TcpClient {
    std::unique_ptr<uv::Stream> stream;
    TcpFramer framer;
    sockaddr_storage peer{};
    std::uint64_t last_active_ms = 0;
  };

  void on_udp(UdpSocket& socket, std::span<const std::uint8_t> packet, const sockaddr* from);
  void on_tcp_connection(Result<std::unique_ptr<uv::Stream>> stream);
  // False when the client was closed.
  bool on_tcp_message(std::uint64_t id, const std::vector<std::uint8_t>& message);
  void close_tcp(std::uint64_t id, const char* why);
  void sweep_idle();
  void install(ZoneSet set, bool first);

  uv::EventLoop& loop_;
  const Logger& log_;
  DnsdConfig config_;
  ZoneSet current_;
  std::vector<std::unique_ptr<UdpSocket>> udp_;
  std::vector<std::unique_ptr<uv::StreamServer>> tcp_;
  std::vector<std::uint16_t> ports_;
  std::map<std::uint64_t, TcpClient> tcp_clients_;
  std::uint64_t next_client_ = 1;
  uv::Timer idle_timer_;
  uv::Timer reload_timer_;
  std::unique_ptr<NotifySender> notify_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<uv::BlockingWork> reloading_;
  bool reload_again_ = false;
  DnsCounters counters_;
  UdpAnswerer udp_answerer_;  // the main loop's UDP path
  std::vector<std::unique_ptr<UdpWorker>> workers_;  // threads - 1 more UDP loops
};

}  // namespace hamail::mailsvc::dnsd
