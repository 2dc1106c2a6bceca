// ControlServer: a daemon's local control socket (unix, mode 0660: root and the
// socket's group), speaking JSON lines: one request per line, one reply per line.
// A handler may instead stream lines itself (history, then live events) through the
// Session, and subscribe it to later publish() calls. Each connection gets a role from
// its credentials (ControlAccess): readers may only run the read commands; admin
// commands are logged with who sent them. Every buffer is bounded, idle clients are
// closed, and one user cannot hold every slot.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/base/log.h"
#include "hamail/control/control_access.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"

namespace hamail {

class ControlServer;

// One client connection, as the handler sees it.
class ControlSession {
 public:
  ControlSession(ControlServer& server, std::uint64_t id, ControlPeer peer)
      : server_(server), id_(id), peer_(std::move(peer)) {}
  bool send(const nlohmann::json& line);  // false when the client is gone or too slow (dropped)
  void subscribe() { subscribed_ = true; }
  void end();                              // close once what is queued has been sent
  bool subscribed() const { return subscribed_; }
  const ControlPeer& peer() const { return peer_; }

 private:
  ControlServer& server_;
  std::uint64_t id_;
  ControlPeer peer_;
  bool subscribed_ = false;
};

struct ControlLimits {
  std::size_t max_clients = 32;
  std::size_t max_clients_per_user = 8;     // root is not limited
  std::uint64_t idle_timeout_ms = 60000;    // a client that sends nothing (and follows no events)
  std::size_t max_request_bytes = 64 * 1024;
  std::size_t max_queued_bytes = 4u << 20;  // per client: a stalled reader is dropped
};

class ControlServer {
 public:
  // The reply to send, or nothing when the handler has answered through the session.
  using Handler = std::function<std::optional<nlohmann::json>(const nlohmann::json& request, ControlSession& session)>;

  // Listens on `path` (mode 0660; chgrp to access.socket_group() when it exists).
  static Result<std::unique_ptr<ControlServer>> listen(uv::EventLoop& loop, const Logger& log, const std::string& path,
                                                       Handler handler, ControlAccess access = {},
                                                       ControlLimits limits = {});
  // Sends a line to every subscribed session; a session that does not keep up is dropped.
  void publish(const nlohmann::json& line);

 private:
  friend class ControlSession;
  ControlServer(uv::EventLoop& loop, const Logger& log, Handler handler, ControlAccess access, ControlLimits limits);
  void accept(std::unique_ptr<uv::Stream> stream);
  void on_data(std::uint64_t id, std::string_view data);
  void on_line(std::uint64_t id, const std::string& line);
  bool write_to(std::uint64_t id, const std::string& data);
  void refuse(std::unique_ptr<uv::Stream> stream, const std::string& why);
  void end(std::uint64_t id);
  void close_idle();

  struct Client {
    std::unique_ptr<uv::Stream> stream;
    std::unique_ptr<ControlSession> session;
    std::string buffer;
    bool overlong = false;  // sent a line over the limit: answered, then ended
    std::uint64_t last_request_ms = 0;
  };
  uv::EventLoop& loop_;
  const Logger& log_;
  Handler handler_;
  ControlAccess access_;
  ControlLimits limits_;
  std::unique_ptr<uv::StreamServer> server_;
  std::map<std::uint64_t, Client> clients_;
  std::vector<std::unique_ptr<uv::Stream>> refused_;  // answered, closing after the answer is out
  uv::Timer idle_timer_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail
