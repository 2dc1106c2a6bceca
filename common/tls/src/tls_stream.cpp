#include "hamail/tls/tls_stream.h"

#include "hamail/uv/timer.h"

namespace hamail::tls {
namespace {

constexpr std::size_t kDeliverChunk = 64 * 1024;
// Room in the socket's queue above the plaintext-based limit, for handshake messages
// and alerts (ciphertext_bound() already over-estimates record overhead).
constexpr std::size_t kStreamSlack = 64 * 1024;

}  // namespace

// The shared state the socket callbacks and timers reach through weak pointers, so the
// TlsStream may be destroyed at any time, including inside its own callbacks.
struct TlsStream::Core : std::enable_shared_from_this<Core> {
  std::unique_ptr<uv::Stream> stream;
  std::unique_ptr<TlsSession> session;
  std::unique_ptr<uv::Timer> handshake_timer;
  std::unique_ptr<uv::Timer> resume_timer;
  OnData on_data;
  OnEnd on_end;
  OnHandshake on_handshake;
  std::string peer;
  std::size_t write_limit = uv::Stream::kDefaultWriteLimit;
  bool reading = false;
  bool paused = false;
  bool ended = false;
  bool closed = false;
  bool shutdown_requested = false;
  bool socket_shut = false;
  std::string end_error;  // when it ended before anyone listened

  Status flush() {
    std::string ct = session->take_ciphertext();
    if (ct.empty()) return Status::ok();
    return stream->write(std::move(ct));
  }

  Status shut_socket() {
    if (socket_shut) return Status::ok();
    socket_shut = true;
    return stream->shutdown();
  }

  void end(Status status) {
    if (ended) return;
    ended = true;
    if (handshake_timer) handshake_timer->stop();
    stream->pause_reading();
    if (!status.is_ok()) end_error = status.message();
    if (!on_end) return;
    OnEnd cb = on_end;
    cb(std::move(status));
  }

  void on_cipher(std::string_view data) {
    bool was_done = session->handshake_done();
    Status fed = session->feed(data);
    Status flushed = flush();  // also when feeding failed: it may carry the alert
    if (!fed) return end(std::move(fed));
    if (!flushed) return end(std::move(flushed));
    if (!was_done && session->handshake_done()) {
      if (handshake_timer) handshake_timer->stop();
      if (shutdown_requested) {
        if (Status st = shut_socket(); !st) return end(std::move(st));
      }
      if (on_handshake) {
        OnHandshake cb = on_handshake;
        cb();
        if (closed || ended) return;
      }
    }
    deliver();
  }

  void deliver() {
    while (!closed && !paused && session->plaintext_pending() > 0) {
      // A view of the session's buffer (no copy): the callback cannot feed the session
      // (only the socket's read callback does), so the bytes stay put until consumed.
      std::string_view chunk = session->peek_plaintext(kDeliverChunk);
      OnData cb = on_data;
      cb(chunk);
      session->consume_plaintext(chunk.size());
    }
    if (!closed && !paused && session->peer_closed() && session->plaintext_pending() == 0) end(Status::ok());
  }

  void on_transport_end(Status status) {
    if (ended) return;
    if (!status.is_ok()) return end(std::move(status));
    if (session->peer_closed()) return;  // delivered (or waiting for resume) already
    end(session->end_of_input());
  }
};

Result<std::unique_ptr<TlsStream>> TlsStream::start(uv::EventLoop& loop, std::unique_ptr<uv::Stream> stream,
                                                    const TlsContext& ctx, TlsStreamOptions options) {
  if (!stream || !stream->is_open()) return Error{"cannot start TLS: the stream is closed"};
  std::string peer = stream->peer();
  auto session = TlsSession::create(ctx, peer, options.server_name);
  if (!session) return Error{session.error()};
  auto core = std::make_shared<Core>();
  core->stream = std::move(stream);
  core->session = std::move(*session);
  core->peer = peer;
  core->stream->pause_reading();  // nothing is read until start_reading()
  core->stream->set_write_limit(core->write_limit + kStreamSlack);
  core->session->set_send_limit(core->write_limit);
  core->handshake_timer = std::make_unique<uv::Timer>(loop);
  core->resume_timer = std::make_unique<uv::Timer>(loop);
  if (options.handshake_timeout_ms > 0) {
    std::weak_ptr<Core> weak = core;
    std::uint64_t ms = options.handshake_timeout_ms;
    core->handshake_timer->start(ms, [weak, ms] {
      auto c = weak.lock();
      if (!c || c->closed || c->session->handshake_done()) return;
      c->end(Error{"peer " + c->peer + ": TLS handshake failed: timed out after " + std::to_string(ms) + " ms"});
    });
  }
  if (Status st = core->flush(); !st) return Error{st.message()};  // the ClientHello
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(core), std::move(peer)));
}

Result<std::unique_ptr<TlsStream>> TlsStream::upgrade(uv::EventLoop& loop, std::unique_ptr<uv::Stream> stream,
                                                      const TlsContext& ctx, std::string_view unprocessed,
                                                      TlsStreamOptions options) {
  if (!stream) return Error{"cannot start TLS: no stream"};
  stream->pause_reading();  // from here on, bytes from the socket are TLS records
  if (!unprocessed.empty() && options.pipelined == PipelinedPlaintext::refuse) {
    std::string peer = stream->peer();
    stream->close();
    return Error{"peer " + peer + ": refusing the TLS upgrade: " + std::to_string(unprocessed.size()) +
                 " bytes of plaintext were pipelined after the STARTTLS exchange (possible command injection)"};
  }
  // PipelinedPlaintext::discard: the bytes are simply never looked at again.
  return start(loop, std::move(stream), ctx, std::move(options));
}

TlsStream::~TlsStream() { close(); }

void TlsStream::close() {
  if (!core_ || core_->closed) return;
  core_->closed = true;
  core_->stream->close();
  core_->handshake_timer.reset();
  core_->resume_timer.reset();
}

bool TlsStream::is_open() const { return core_ && !core_->closed && core_->stream->is_open(); }

Status TlsStream::start_reading(OnData on_data, OnEnd on_end, OnHandshake on_handshake) {
  if (!is_open()) return Error{"read from " + peer_ + ": stream is closed"};
  if (core_->ended) {
    return Error{"read from " + peer_ + ": stream has ended" +
                 (core_->end_error.empty() ? std::string() : ": " + core_->end_error)};
  }
  core_->on_data = std::move(on_data);
  core_->on_end = std::move(on_end);
  core_->on_handshake = std::move(on_handshake);
  core_->reading = true;
  core_->paused = false;
  std::weak_ptr<Core> weak = core_;
  return core_->stream->start_reading(
      [weak](std::string_view data) {
        auto c = weak.lock();
        if (c && !c->closed && !c->ended) c->on_cipher(data);
      },
      [weak](Status status) {
        auto c = weak.lock();
        if (c && !c->closed) c->on_transport_end(std::move(status));
      });
}

void TlsStream::pause_reading() {
  if (!is_open()) return;
  core_->paused = true;
  core_->stream->pause_reading();
}

Status TlsStream::resume_reading() {
  if (!is_open()) return Error{"read from " + peer_ + ": stream is closed"};
  if (!core_->reading) return Error{"read from " + peer_ + ": start_reading() was not called"};
  if (core_->ended) return Error{"read from " + peer_ + ": stream has ended"};
  core_->paused = false;
  if (core_->session->plaintext_pending() > 0 || core_->session->peer_closed()) {
    // Deliver what was decrypted before the pause from the loop, not from inside this call.
    std::weak_ptr<Core> weak = core_;
    core_->resume_timer->start(0, [weak] {
      auto c = weak.lock();
      if (c && !c->closed && !c->ended) c->deliver();
    });
  }
  return core_->stream->resume_reading();
}

Status TlsStream::write(std::string data) {
  if (!is_open()) return Error{"write to " + peer_ + ": stream is closed"};
  Core& c = *core_;
  if (c.session->failed()) return Error{"write to " + peer_ + ": stream failed earlier: " + c.session->error()};
  if (c.shutdown_requested) return Error{"write to " + peer_ + ": stream was shut down"};
  if (data.empty()) return Status::ok();
  std::size_t pending = pending_write_bytes();
  std::size_t more = TlsSession::ciphertext_bound(data.size());
  if (more > c.write_limit || pending > c.write_limit - more) {
    return Error{"write to " + peer_ + ": write queue full (" + std::to_string(pending) + " bytes pending, " +
                 std::to_string(data.size()) + " more would exceed the limit of " + std::to_string(c.write_limit) +
                 ")"};
  }
  if (Status st = c.session->write(data); !st) return st;
  return c.flush();
}

std::size_t TlsStream::pending_write_bytes() const {
  if (!is_open()) return 0;
  return core_->stream->pending_write_bytes() + core_->session->ciphertext_pending() +
         core_->session->queued_plaintext();
}

void TlsStream::set_write_limit(std::size_t bytes) {
  if (!core_) return;
  core_->write_limit = bytes;
  core_->session->set_send_limit(bytes);
  core_->stream->set_write_limit(bytes + kStreamSlack);
}

void TlsStream::set_on_written(std::function<void()> on_written) {
  if (core_) core_->stream->set_on_written(std::move(on_written));
}

Status TlsStream::shutdown() {
  if (!is_open()) return Error{"shutdown of " + peer_ + ": stream is closed"};
  Core& c = *core_;
  if (c.shutdown_requested) return Status::ok();
  c.shutdown_requested = true;
  if (Status st = c.session->close(); !st) return st;
  if (Status st = c.flush(); !st) return st;
  if (!c.session->handshake_done()) return Status::ok();  // after the handshake, with close_notify
  return c.shut_socket();
}

bool TlsStream::handshake_done() const { return core_ && core_->session->handshake_done(); }

std::string TlsStream::describe() const { return core_ ? core_->session->describe() : ""; }

const TlsSession& TlsStream::session() const { return *core_->session; }

}  // namespace hamail::tls
