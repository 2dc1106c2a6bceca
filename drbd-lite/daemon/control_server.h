// ControlServer: the daemon's unix socket for `drbdlite` (mode 0660: root and the
// socket's group). One JSON request per line, one JSON reply per line:
//   {"cmd":"primary","volume":"r0","force":false}  ->  {"ok":true} | {"ok":false,"error":"..."}
// `events` keeps the connection open and streams one JSON event per line.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/common/log.h"
#include "hamail/common/uv/event_loop.h"
#include "hamail/common/uv/stream.h"

namespace hamail::drbdlite {

class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

  static Result<std::unique_ptr<ControlServer>> listen(uv::EventLoop& loop, const Logger& log, const std::string& path,
                                                       Handler handler);
  // Sends an event line to every `events` subscriber (a slow one is dropped, not waited for).
  void publish(const nlohmann::json& event);

 private:
  ControlServer(const Logger& log, Handler handler) : log_(log), handler_(std::move(handler)) {}
  void on_line(std::uint64_t id, const std::string& line);

  struct Client {
    std::unique_ptr<uv::Stream> stream;
    std::string buffer;
    bool subscribed = false;
  };
  const Logger& log_;
  Handler handler_;
  std::unique_ptr<uv::StreamServer> server_;
  std::map<std::uint64_t, Client> clients_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail::drbdlite
