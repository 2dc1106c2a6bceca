#include "connection.h"

#include <utility>

#include "hamail/drbdlite/nbd/wire.h"

namespace hamail::drbdlite::nbd {

Connection::Connection(NbdServer& server, std::uint64_t id, std::unique_ptr<uv::Stream> stream)
    : server_(server),
      id_(id),
      stream_(std::move(stream)),
      codec_(server.options_.export_info),
      handshake_timer_(server.loop_),
      poll_timer_(server.loop_),
      linger_timer_(server.loop_) {
  // Room for every admitted reply: the admission bound plus one maximal request.
  stream_->set_write_limit(server.options_.max_bytes_in_flight + kMaxPayload + (1u << 20));
}

Connection::~Connection() { abandon(); }

void Connection::abandon() {
  done_ = true;
  if (stream_) stream_->close();
  handshake_timer_.stop();
  poll_timer_.stop();
  linger_timer_.stop();
}

std::string Connection::client() const { return "#" + std::to_string(id_) + " " + stream_->peer(); }

void Connection::start() {
  server_.log_.info("nbd_client_connected").kv("client", client()).kv("export", server_.options_.export_info.name);
  std::weak_ptr<Connection> weak = weak_from_this();
  handshake_timer_.start(server_.options_.handshake_timeout_ms, [weak] {
    if (auto self = weak.lock()) {
      self->shutdown_now("no export chosen within " + std::to_string(self->server_.options_.handshake_timeout_ms) +
                             " ms",
                         true);
    }
  });
  send(codec_.greeting());
  if (done_) return;
  Status st = stream_->start_reading(
      [weak](std::string_view data) {
        if (auto self = weak.lock()) self->on_data(data);
      },
      [weak](Status status) {
        if (auto self = weak.lock()) self->on_end(std::move(status));
      });
  if (!st) finish("cannot read from the client: " + st.message());
}

void Connection::on_data(std::string_view data) {
  if (done_) return;
  if (closing_) return;  // after DISC / ABORT / a protocol error, input is ignored
  Status st = codec_.feed(data);
  if (!st) return shutdown_now(st.message(), true);
  // Options are answered with the volume's state as of now (size, Primary or not).
  codec_.set_export_state({server_.backend_.size(), server_.backend_.accepting_io()});
  pump();
}

void Connection::on_end(Status status) {
  if (done_) return;
  if (shut_ || closing_) return finish(close_reason_);
  if (!status) return finish("connection lost: " + status.message());
  std::string reason = "client closed the connection";
  if (codec_.phase() != ServerCodec::Phase::transmission) reason += " during the handshake";
  if (inflight_ > 0) reason += " with " + std::to_string(inflight_) + " requests in flight";
  finish(reason);
}

bool Connection::blocked() const {
  return held_.has_value() || stream_->pending_write_bytes() > server_.options_.max_bytes_in_flight;
}

bool Connection::admit(const Command& c) const {
  const ServerOptions& o = server_.options_;
  if (inflight_ >= o.max_requests_in_flight) return false;
  std::uint64_t cost = c.request.type == kCmdRead ? c.request.length : c.payload.size();
  std::uint64_t held = inflight_bytes_ + stream_->pending_write_bytes();
  return held == 0 || held + cost <= o.max_bytes_in_flight;
}

void Connection::pump() {
  if (pumping_) return;  // a synchronous completion inside dispatch(): the outer loop goes on
  pumping_ = true;
  while (!done_ && !closing_) {
    if (!held_) {
      if (stream_->pending_write_bytes() > server_.options_.max_bytes_in_flight) break;
      std::optional<Event> ev = codec_.next();
      if (!ev) break;
      if (auto* c = std::get_if<Command>(&*ev)) {
        held_ = std::move(*c);
      } else {
        handle(std::move(*ev));
        continue;
      }
    }
    if (!admit(*held_)) break;
    Command c = std::move(*held_);
    held_.reset();
    dispatch(std::move(c));
  }
  pumping_ = false;
  if (done_ || closing_) return;
  if (blocked()) {
    if (!paused_) {
      stream_->pause_reading();
      paused_ = true;
    }
    // Completions resume us; with nothing in flight only the client reading its
    // replies can, and the stream has no drain callback, so poll.
    if (inflight_ == 0 && !poll_timer_.active()) {
      std::weak_ptr<Connection> weak = weak_from_this();
      poll_timer_.start(
          5,
          [weak] {
            if (auto self = weak.lock()) {
              if (!self->blocked() || self->inflight_ > 0) self->poll_timer_.stop();
              self->pump();
            }
          },
          5);
    }
  } else {
    poll_timer_.stop();
    if (paused_) {
      paused_ = false;
      Status st = stream_->resume_reading();
      if (!st) finish("cannot read from the client: " + st.message());
    }
  }
}

void Connection::handle(Event ev) {
  const Logger& log = server_.log_;
  if (auto* h = std::get_if<HandshakeReply>(&ev)) {
    if (h->reply & 0x80000000u) {
      log.info("nbd_option_refused").kv("client", client()).kv("option", option_name(h->option))
          .kv("reply", reply_name(h->reply)).kv("message", h->message);
    } else {
      log.debug("nbd_option").kv("client", client()).kv("option", option_name(h->option));
    }
    send(std::move(h->bytes));
  } else if (auto* t = std::get_if<TransmissionStarted>(&ev)) {
    handshake_timer_.stop();
    log.info("nbd_export_opened").kv("client", client()).kv("export", t->export_name)
        .kv("size", static_cast<long long>(t->size)).kv("via", option_name(t->option))
        .kv("read_only", (t->tx_flags & kTxReadOnly) != 0);
    send(std::move(t->bytes));
  } else if (auto* r = std::get_if<CommandRefused>(&ev)) {
    log.warning("nbd_request_refused").kv("client", client()).kv("request", r->request.describe())
        .kv("nbd_error", error_name(r->error)).kv("reason", r->reason);
    send(encode_simple_reply(r->request.handle, r->error));
  } else if (auto* c = std::get_if<Closed>(&ev)) {
    if (!c->bytes.empty()) send(std::move(c->bytes));
    if (done_) return;
    if (c->clean) {
      close_after_inflight(c->reason);
    } else {
      shutdown_now(c->reason, true);
    }
  }
}

void Connection::dispatch(Command c) {
  BlockBackend& backend = server_.backend_;
  const Request r = c.request;
  ++requests_;
  if (Status ok = backend.accepting_io(); !ok) {
    // The volume left Primary while this client was connected.
    if (!refusal_logged_) {
      server_.log_.warning("nbd_io_refused").kv("client", client()).kv("request", r.describe())
          .kv("reason", ok.message());
      refusal_logged_ = true;
    }
    send(encode_simple_reply(r.handle, kEshutdown));
    return;
  }
  std::uint64_t held = r.type == kCmdRead ? r.length : c.payload.size();
  ++inflight_;
  inflight_bytes_ += held;
  std::weak_ptr<Connection> weak = weak_from_this();
  auto done = [weak, r, held](Status st) {
    if (auto self = weak.lock()) self->complete(r, held, std::move(st), {});
  };
  switch (r.type) {
    case kCmdRead:
      backend.read(r.offset, r.length, [weak, r, held](Result<std::string> data) {
        auto self = weak.lock();
        if (!self) return;
        if (!data) return self->complete(r, held, data.status(), {});
        self->complete(r, held, Status::ok(), std::move(*data));
      });
      break;
    case kCmdWrite: backend.write(r.offset, std::move(c.payload), r.fua(), done); break;
    case kCmdFlush: backend.flush(done); break;
    case kCmdTrim: backend.trim(r.offset, r.length, done); break;
    case kCmdWriteZeroes: backend.write_zeroes(r.offset, r.length, !r.no_hole(), r.fua(), done); break;
    default: complete(r, held, io_error(kEinval, "unexpected command"), {}); break;
  }
}

void Connection::complete(const Request& r, std::uint64_t held, Status st, std::string data) {
  if (done_) return;
  --inflight_;
  inflight_bytes_ -= held;
  if (st && r.type == kCmdRead && data.size() != r.length) {
    st = io_error(kEio, "backend returned " + std::to_string(data.size()) + " bytes for a read of " +
                            std::to_string(r.length));
  }
  if (!shut_) {
    if (!st) {
      std::uint32_t err = nbd_error_of(st);
      server_.log_.warning("nbd_io_error").kv("client", client()).kv("request", r.describe())
          .kv("nbd_error", error_name(err)).kv("error", st.message());
      send(encode_simple_reply(r.handle, err));
    } else if (r.type == kCmdRead) {
      std::string reply = encode_simple_reply(r.handle, 0);
      reply += data;
      send(std::move(reply));
    } else {
      send(encode_simple_reply(r.handle, 0));
    }
  }
  if (done_) return;
  if (closing_) {
    if (inflight_ == 0 && !shut_) shutdown_now(close_reason_, false);
    return;
  }
  pump();
}

void Connection::send(std::string bytes) {
  if (done_ || shut_) return;
  Status st = stream_->write(std::move(bytes));
  if (!st) finish("cannot send to the client: " + st.message());
}

void Connection::close_after_inflight(std::string reason) {
  closing_ = true;
  close_reason_ = std::move(reason);
  held_.reset();
  if (inflight_ == 0) shutdown_now(close_reason_, false);
}

void Connection::shutdown_now(std::string reason, bool protocol_error) {
  if (done_ || shut_) return;
  closing_ = true;
  shut_ = true;
  close_reason_ = std::move(reason);
  held_.reset();
  handshake_timer_.stop();
  poll_timer_.stop();
  if (protocol_error) {
    server_.log_.warning("nbd_protocol_error").kv("client", client()).kv("error", close_reason_)
        .kv("requests_in_flight", static_cast<long long>(inflight_));
  }
  // Queued replies go out first; then wait (bounded) for the client to close.
  if (!stream_->shutdown()) return finish(close_reason_);
  if (paused_) {
    paused_ = false;
    (void)stream_->resume_reading();
  }
  std::weak_ptr<Connection> weak = weak_from_this();
  linger_timer_.start(server_.options_.close_linger_ms, [weak] {
    if (auto self = weak.lock()) self->finish(self->close_reason_ + " (client did not close in time)");
  });
}

void Connection::finish(const std::string& reason) {
  if (done_) return;
  std::string who = client();
  abandon();
  server_.log_.info("nbd_client_closed").kv("client", who).kv("reason", reason)
      .kv("requests", static_cast<long long>(requests_));
  server_.retire(id_);
}

}  // namespace hamail::drbdlite::nbd
