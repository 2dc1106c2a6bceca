// ControlClient: a blocking client for a daemon's JSON-lines control socket (hacored,
// drbdlited): one request line, one reply line, or a stream of lines. Errors name the
// socket and the cause; reads can carry a deadline so a CLI can give up on time.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"

namespace hamail {

// Who listens on the socket, for error messages a person can act on.
struct ControlEndpoint {
  std::string path;                  // the unix socket
  std::string daemon = "the daemon"; // "hacored", "drbdlited"
  std::string start_hint;            // appended when nothing listens, e.g. "start it, e.g. `drbdlited --config FILE`"
  std::string group;                 // group allowed on the socket, when known (permission errors)
};

// One read from the socket: a parsed line, or the daemon closed, or the deadline passed.
struct Received {
  enum class Kind { line, closed, timed_out };
  Kind kind = Kind::line;
  nlohmann::json value;              // the line (kind == line)
};

class ControlClient {
 public:
  using Deadline = std::optional<std::chrono::steady_clock::time_point>;

  static Result<ControlClient> connect(const ControlEndpoint& endpoint);
  ControlClient(ControlClient&& o) noexcept;
  ControlClient& operator=(ControlClient&&) = delete;
  ~ControlClient();

  // Writes one request line (never raises SIGPIPE).
  Status send(const nlohmann::json& request);
  // Reads the next line; a line that is not JSON is an error naming the daemon.
  Result<Received> receive(Deadline deadline = std::nullopt);
  // send + receive; the daemon closing first is an error.
  Result<nlohmann::json> call(const nlohmann::json& request, Deadline deadline = std::nullopt);
  // Reads lines until `each` returns false or the daemon closes the socket (an error);
  // lines that are not JSON are skipped.
  Status stream(const std::function<bool(const nlohmann::json&)>& each);

  const std::string& path() const { return endpoint_.path; }

 private:
  ControlClient(int fd, ControlEndpoint endpoint) : fd_(fd), endpoint_(std::move(endpoint)) {}
  // nullopt: closed (or, with a deadline, *timed_out set).
  Result<std::optional<std::string>> read_line(Deadline deadline, bool* timed_out);

  int fd_ = -1;
  ControlEndpoint endpoint_;
  std::string buffer_;
};

}  // namespace hamail
