// A blocking client for drbdlited's control socket: one JSON request, one JSON reply
// (or, for `events`, a stream of JSON lines). Errors name the socket and the cause.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/common/result.h"

namespace hamail::drbdlite {

class ControlClient {
 public:
  static Result<ControlClient> connect(const std::string& socket_path);
  ControlClient(ControlClient&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)), buffer_(std::move(o.buffer_)) { o.fd_ = -1; }
  ~ControlClient();

  Result<nlohmann::json> call(const nlohmann::json& request);
  // Reads reply lines until `each` returns false or the daemon closes the socket.
  Status stream(const std::function<bool(const nlohmann::json&)>& each);

 private:
  ControlClient(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<std::string> read_line();
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
};

}  // namespace hamail::drbdlite
