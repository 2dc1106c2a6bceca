// PeerLink: the replication link of one volume to the peer node: TCP + TLS 1.3 with a
// pre-shared key (mutual authentication from the volume's secret). The node whose name
// sorts first dials (retrying every second); the other listens and accepts only the
// peer's address. Delivers decoded frames; a new connection replaces the live one only
// after it has authenticated (completed its TLS-PSK handshake).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "hamail/drbdlite/core/wire.h"
#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/tls/tls_context.h"
#include "hamail/tls/tls_stream.h"

namespace hamail::drbdlite {

struct PeerLinkConfig {
  std::string volume;
  std::string local_addr;   // listen here
  std::string peer_addr;    // dial / accept only this
  std::uint16_t port = 0;
  bool dialer = false;
  std::uint64_t retry_ms = 1000;
  std::size_t write_limit = 256u << 20;
};

class PeerLink {
 public:
  struct Callbacks {
    std::function<void()> on_up;                                 // authenticated and ready
    std::function<void(wire::Message)> on_message;
    std::function<void(const std::string& reason)> on_down;      // only after on_up
  };

  PeerLink(uv::EventLoop& loop, const Logger& log, PeerLinkConfig cfg, tls::TlsContext server_ctx,
           tls::TlsContext client_ctx, Callbacks cb);
  ~PeerLink();

  Status start();  // listen, and dial if this side dials
  void stop();     // no connection, no listening, no retries (no on_down: the caller knows)
  // Closes the current connection after sending what is queued (no on_down: the caller
  // decided it); dialing resumes.
  void drop(const std::string& reason);
  Status send(std::string frame);
  bool up() const { return tls_ != nullptr && ready_; }

 private:
  void dial();
  void adopt(std::unique_ptr<uv::Stream> stream);
  void on_handshake_done(tls::TlsStream* self);
  void on_stream_end(tls::TlsStream* self, Status st);
  void discard_candidate(const std::string& reason);
  void on_tls_ready();
  void on_tls_data(std::string_view data);
  void on_tls_end(Status st);
  void lose(const std::string& reason);
  void schedule_dial();

  uv::EventLoop& loop_;
  const Logger& log_;
  PeerLinkConfig cfg_;
  tls::TlsContext server_ctx_, client_ctx_;
  Callbacks cb_;
  std::unique_ptr<uv::StreamServer> listener_;
  std::unique_ptr<uv::PendingConnect> connecting_;
  std::unique_ptr<tls::TlsStream> tls_;        // the live, authenticated link
  std::unique_ptr<tls::TlsStream> candidate_;  // a new connection still in its handshake (at most one)
  bool ready_ = false;
  bool running_ = false;
  wire::FrameReader reader_;
  uv::Timer retry_;
  uv::Timer failure_;  // reports a send failure on the next loop turn
  std::string last_dial_error_;
};

}  // namespace hamail::drbdlite
