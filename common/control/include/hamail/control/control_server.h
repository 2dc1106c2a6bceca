// ControlServer: a daemon's local control socket (unix, mode 0660: root and the
// socket's group), speaking JSON lines: one request per line, one reply per line.
// A handler may instead stream lines itself (history, then live events) through the
// Session, and subscribe it to later publish() calls. Every buffer is bounded.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"

namespace hamail {

class ControlServer;

// One client connection, as the handler sees it.
class ControlSession {
 public:
  ControlSession(ControlServer& server, std::uint64_t id) : server_(server), id_(id) {}
  bool send(const nlohmann::json& line);  // false when the client is gone or too slow (dropped)
  void subscribe() { subscribed_ = true; }
  void end();                              // close once what is queued has been sent
  bool subscribed() const { return subscribed_; }

 private:
  ControlServer& server_;
  std::uint64_t id_;
  bool subscribed_ = false;
};

class ControlServer {
 public:
  // The reply to send, or nothing when the handler has answered through the session.
  using Handler = std::function<std::optional<nlohmann::json>(const nlohmann::json& request, ControlSession& session)>;

  // Listens on `path` (mode 0660; chgrp to `group` when given and it exists).
  static Result<std::unique_ptr<ControlServer>> listen(uv::EventLoop& loop, const Logger& log, const std::string& path,
                                                       Handler handler, const std::string& group = "");
  // Sends a line to every subscribed session; a session that does not keep up is dropped.
  void publish(const nlohmann::json& line);

 private:
  friend class ControlSession;
  ControlServer(const Logger& log, Handler handler) : log_(log), handler_(std::move(handler)) {}
  void on_line(std::uint64_t id, const std::string& line);
  bool write_to(std::uint64_t id, const std::string& data);
  void end(std::uint64_t id);

  struct Client {
    std::unique_ptr<uv::Stream> stream;
    std::unique_ptr<ControlSession> session;
    std::string buffer;
    bool overlong = false;  // sent a line over the limit: answered, then ended
  };
  const Logger& log_;
  Handler handler_;
  std::unique_ptr<uv::StreamServer> server_;
  std::map<std::uint64_t, Client> clients_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail
