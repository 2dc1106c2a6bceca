// One accepted NBD client: feeds its bytes to a ServerCodec, runs the commands on
// the BlockBackend, replies as completions arrive (in any order) and applies the
// per-connection bounds. Internal to the server.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hamail/drbdlite/nbd/server.h"

namespace hamail::drbdlite::nbd {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(NbdServer& server, std::uint64_t id, std::unique_ptr<uv::Stream> stream);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends the greeting and starts reading; false when the stream is already gone.
  void start();
  // Closes at once (server shutdown); no callback runs afterwards.
  void abandon();

 private:
  void on_data(std::string_view data);
  void on_end(Status status);
  // Takes codec events while the bounds allow; pauses or resumes reading.
  void pump();
  bool blocked() const;
  bool admit(const Command& c) const;
  void handle(Event ev);
  void dispatch(Command c);
  void complete(const Request& r, std::uint64_t held, Status st, std::string data);
  void send(std::string bytes);
  void close_after_inflight(std::string reason);
  void shutdown_now(std::string reason, bool protocol_error);
  void finish(const std::string& reason);
  std::string client() const;

  NbdServer& server_;
  std::uint64_t id_;
  std::unique_ptr<uv::Stream> stream_;
  ServerCodec codec_;
  uv::Timer handshake_timer_;
  uv::Timer poll_timer_;    // retries pump() while the client does not read our replies
  uv::Timer linger_timer_;  // bounds the wait for the client to close after our shutdown
  std::optional<Command> held_;  // parsed but not yet admitted
  std::size_t inflight_ = 0;
  std::uint64_t inflight_bytes_ = 0;
  std::uint64_t requests_ = 0;
  bool paused_ = false;
  bool pumping_ = false;
  bool closing_ = false;      // no new commands; close once nothing is in flight
  bool shut_ = false;         // shutdown() sent
  bool done_ = false;         // retired
  bool refusal_logged_ = false;
  std::string close_reason_;
};

}  // namespace hamail::drbdlite::nbd
