#include "hamail/drbdlite/daemon/peer_link.h"

namespace hamail::drbdlite {
namespace {

// "10.0.0.2:7789" -> "10.0.0.2"; "[fd00::2]:7789" -> "fd00::2".
std::string host_of(const std::string& peer) {
  if (!peer.empty() && peer[0] == '[') return peer.substr(1, peer.find(']') - 1);
  return peer.substr(0, peer.rfind(':'));
}

}  // namespace

PeerLink::PeerLink(uv::EventLoop& loop, const Logger& log, PeerLinkConfig cfg, tls::TlsContext server_ctx,
                   tls::TlsContext client_ctx, Callbacks cb)
    : loop_(loop), log_(log), cfg_(std::move(cfg)), server_ctx_(std::move(server_ctx)),
      client_ctx_(std::move(client_ctx)), cb_(std::move(cb)), retry_(loop), failure_(loop) {}

PeerLink::~PeerLink() { stop(); }

Status PeerLink::start() {
  if (running_) return Status::ok();
  auto server = uv::StreamServer::listen_tcp(loop_, cfg_.local_addr, cfg_.port,
                                             [this](Result<std::unique_ptr<uv::Stream>> s) {
                                               if (!s) {
                                                 log_.warning("replication_accept_failed").kv("volume", cfg_.volume).kv("error", s.error());
                                                 return;
                                               }
                                               if (host_of((*s)->peer()) != cfg_.peer_addr) {
                                                 log_.warning("replication_connection_refused")
                                                     .kv("volume", cfg_.volume)
                                                     .kv("from", (*s)->peer())
                                                     .kv("reason", "not the configured peer " + cfg_.peer_addr);
                                                 return;  // the stream closes as it goes out of scope
                                               }
                                               adopt(std::move(*s));
                                             });
  if (!server) return Error{"volume " + cfg_.volume + ": cannot listen for the peer: " + server.error()};
  listener_ = std::move(*server);
  running_ = true;
  if (cfg_.dialer) dial();
  return Status::ok();
}

void PeerLink::stop() {
  running_ = false;
  retry_.stop();
  failure_.stop();
  connecting_.reset();
  listener_.reset();
  if (candidate_) {
    candidate_->close();
    candidate_.reset();
  }
  if (tls_) {
    tls_->close();
    tls_.reset();
  }
  ready_ = false;  // the caller stopped it: no on_down
}

void PeerLink::schedule_dial() {
  if (!running_ || !cfg_.dialer) return;
  retry_.start(cfg_.retry_ms, [this] { dial(); });
}

void PeerLink::dial() {
  if (!running_ || tls_ || candidate_ || connecting_) return;
  auto pc = uv::connect_tcp(loop_, cfg_.peer_addr, cfg_.port, [this](Result<std::unique_ptr<uv::Stream>> s) {
    connecting_.reset();
    if (!s) {
      if (s.error() != last_dial_error_)  // log a changed reason once, not every second
        log_.info("replication_dial_failed").kv("volume", cfg_.volume).kv("error", s.error());
      last_dial_error_ = s.error();
      schedule_dial();
      return;
    }
    last_dial_error_.clear();
    adopt(std::move(*s));
  });
  if (!pc) {
    log_.error("replication_dial_failed").kv("volume", cfg_.volume).kv("error", pc.error());
    schedule_dial();
    return;
  }
  connecting_ = std::move(*pc);
}

// A new connection authenticates beside the live link and replaces it only once its
// TLS-PSK handshake has completed: a connection from the peer's address that cannot prove
// the secret (anyone on the peer host can open one) never drops replication.
void PeerLink::adopt(std::unique_ptr<uv::Stream> stream) {
  std::string peer = stream->peer();
  bool server_side = !cfg_.dialer;
  auto t = tls::TlsStream::start(loop_, std::move(stream), server_side ? server_ctx_ : client_ctx_);
  if (!t) {
    log_.error("replication_tls_failed").kv("volume", cfg_.volume).kv("peer", peer).kv("error", t.error());
    if (!tls_) schedule_dial();
    return;
  }
  if (candidate_) discard_candidate("replaced by a newer connection before its handshake completed");
  candidate_ = std::move(*t);
  candidate_->set_write_limit(cfg_.write_limit);
  tls::TlsStream* self = candidate_.get();
  Status st = candidate_->start_reading(
      [this, self](std::string_view d) {
        if (self == tls_.get()) on_tls_data(d);
      },
      [this, self](Status s) { on_stream_end(self, s); }, [this, self] { on_handshake_done(self); });
  if (!st) discard_candidate(st.message());
}

void PeerLink::on_handshake_done(tls::TlsStream* self) {
  if (self != candidate_.get()) return;
  if (tls_) lose("replaced by a new authenticated connection from the peer");
  tls_ = std::move(candidate_);
  reader_ = wire::FrameReader();
  on_tls_ready();
}

void PeerLink::on_stream_end(tls::TlsStream* self, Status st) {
  if (self == tls_.get()) {
    on_tls_end(st);
  } else if (self == candidate_.get()) {
    discard_candidate(st ? "closed before the handshake completed" : st.message());
  }
}

void PeerLink::discard_candidate(const std::string& reason) {
  if (!candidate_) return;
  log_.warning("replication_handshake_failed")
      .kv("volume", cfg_.volume)
      .kv("peer", candidate_->peer())
      .kv("error", reason)
      .kv("live_link", tls_ ? "kept" : "none");
  candidate_->close();
  candidate_.reset();
  if (!tls_) schedule_dial();
}

void PeerLink::on_tls_ready() {
  ready_ = true;
  log_.info("replication_link_up").kv("volume", cfg_.volume).kv("peer", tls_->peer()).kv("tls", tls_->describe());
  if (cb_.on_up) cb_.on_up();
}

void PeerLink::on_tls_data(std::string_view data) {
  reader_.feed(data);
  while (tls_) {
    auto m = reader_.next();
    if (!m) {
      lose("protocol error from the peer: " + m.error());
      return;
    }
    if (!m->has_value()) return;
    if (cb_.on_message) cb_.on_message(std::move(**m));  // may drop the link (tls_ reset)
  }
}

void PeerLink::on_tls_end(Status st) {
  lose(st ? "the peer closed the connection" : st.message());
}

void PeerLink::lose(const std::string& reason) {
  if (!tls_) return;
  bool was_ready = ready_;  // false only after a failed send, which reports through here
  ready_ = false;
  tls_->close();
  tls_.reset();
  if (was_ready && cb_.on_down) cb_.on_down(reason);
  schedule_dial();
}

void PeerLink::drop(const std::string& reason) {
  if (!tls_) return;
  // Send what is queued (a refusal), then close; the peer sees EOF after it.
  tls_->pause_reading();  // nothing more is read from this connection
  (void)tls_->shutdown();  // closing anyway: a failed shutdown changes nothing
  auto* raw = tls_.release();
  bool was_ready = ready_;
  ready_ = false;
  // Keep the closing stream alive until the close_notify is out, then let it go.
  auto holder = std::make_shared<std::unique_ptr<tls::TlsStream>>(raw);
  auto timer = std::make_shared<uv::Timer>(loop_);
  timer->start(1000, [holder, timer]() mutable {
    holder->reset();
    timer.reset();
  });
  (void)was_ready;  // the caller decided to drop it: no on_down
  log_.info("replication_link_dropped").kv("volume", cfg_.volume).kv("reason", reason);
  schedule_dial();
}

Status PeerLink::send(std::string frame) {
  if (!tls_ || !ready_) return Error{"replication link is down"};
  Status st = tls_->write(std::move(frame));
  if (!st) {
    // The caller may be in the middle of a Replica call: report the loss from the loop.
    ready_ = false;
    std::string reason = "send failed: " + st.message();
    failure_.start(0, [this, reason] {
      ready_ = true;  // lose() reports on_down only for a connection that was up
      lose(reason);
    });
  }
  return st;
}

}  // namespace hamail::drbdlite
