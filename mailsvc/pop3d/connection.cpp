#include "hamail/mailsvc/pop3d/connection.h"

#include <variant>

#include "hamail/mailsvc/pop3d/authenticator.h"

namespace hamail::mailsvc::pop3d {

namespace {

constexpr std::uint64_t kCloseGraceMs = 5000;  // after QUIT: wait this long for the peer to close

pop3::Pop3Config session_config(const Pop3dConfig& cfg, ListenerTls mode) {
  pop3::Pop3Config c;
  c.hostname = cfg.hostname;
  c.implicit_tls = mode == ListenerTls::implicit;
  c.tls_configured = true;
  c.allow_plaintext_auth = cfg.allow_plaintext_auth;
  return c;
}

}  // namespace

Connection::Connection(uv::EventLoop& loop, const Pop3dConfig& cfg, const tls::TlsContext& tls, const Logger& log,
                       ListenerTls mode, std::string session_id, OnDone on_done)
    : loop_(loop), cfg_(cfg), tls_(tls), log_(log), mode_(mode), id_(std::move(session_id)),
      on_done_(std::move(on_done)), session_(session_config(cfg, mode)), idle_(loop), auth_delay_(loop) {}

Connection::~Connection() = default;

void Connection::start(std::unique_ptr<uv::Stream> stream) {
  peer_ = stream->peer();
  // RETR answers are written whole: room for the largest message, dot-stuffed.
  std::size_t limit = static_cast<std::size_t>(cfg_.max_message_bytes) * 3 + (64u << 10);
  log_.info("session_start").kv("session", id_).kv("peer", peer_).kv(
      "tls", mode_ == ListenerTls::implicit ? "implicit" : "starttls");
  touch();
  auto data = [this](std::string_view d) { on_data(d); };
  auto end = [this](Status s) { s ? finish("peer_closed") : finish("connection_error", s.message()); };
  if (mode_ == ListenerTls::implicit) {
    auto t = tls::TlsStream::start(loop_, std::move(stream), tls_);
    if (!t) return finish("tls_failed", t.error());
    secure_ = std::move(*t);
    secure_->set_write_limit(limit);
    if (Status s = secure_->start_reading(data, end); !s) return finish("read_failed", s.message());
  } else {
    plain_ = std::move(stream);
    plain_->set_write_limit(limit);
    if (Status s = plain_->start_reading(data, end); !s) return finish("read_failed", s.message());
  }
  handle(session_.start());
}

void Connection::touch() {
  if (closing_) return;
  idle_.start(cfg_.idle_timeout_ms, [this] { finish("idle_timeout"); });
}

Status Connection::write(std::string bytes) {
  if (secure_) return secure_->write(std::move(bytes));
  if (plain_) return plain_->write(std::move(bytes));
  return Error{"connection closed"};
}

void Connection::on_data(std::string_view data) {
  if (done_ || closing_) return;
  touch();
  handle(session_.feed(data));
}

void Connection::handle(pop3::Output out) {
  for (;;) {
    if (done_) return;
    if (!out.bytes.empty()) {
      if (Status s = write(std::move(out.bytes)); !s) return finish("write_failed", s.message());
    }
    if (!out.action) break;
    if (std::holds_alternative<pop3::StartTls>(*out.action)) {
      start_tls();
      return;
    }
    // The disk and the password hash block: a pool thread does them while this
    // connection stops reading; the session holds pipelined commands meanwhile.
    if (auto* r = std::get_if<pop3::ReadMessage>(&*out.action)) {
      return perform<Result<std::string>>([md = session_.maildrop(), i = r->index] { return md->read(i); },
                                          [this](Result<std::string> body) {
                                            return session_.message_read(std::move(body));
                                          });
    }
    if (auto* c = std::get_if<pop3::CommitDeletions>(&*out.action)) {
      return perform<Status>([md = session_.maildrop(), idx = c->indexes] { return md->commit_deletions(idx); },
                             [this](Status st) { return session_.deletions_committed(std::move(st)); });
    }
    return perform<pop3::AuthAnswer>(
        [&cfg = cfg_, &log = log_, auth = std::get<pop3::Authenticate>(*out.action), id = id_] {
          return authenticate(cfg, log, auth, id);
        },
        [this](pop3::AuthAnswer answer) {
          if (answer.kind != pop3::AuthAnswer::Kind::bad_credentials || cfg_.auth_failure_delay_ms == 0)
            return session_.auth_result(std::move(answer));
          // Slows password guessing: the -ERR comes later, reading stays paused meanwhile.
          auth_delay_.start(cfg_.auth_failure_delay_ms, [this] {
            handle(session_.auth_result(pop3::AuthAnswer::failed(pop3::AuthAnswer::Kind::bad_credentials)));
            if (!done_ && !closing_ && !session_.waiting()) set_reading(true);
          });
          return pop3::Output{};
        });
  }
  if (out.close && !closing_) {
    closing_ = true;
    if (secure_) (void)secure_->shutdown();
    if (plain_) (void)plain_->shutdown();
    idle_.start(kCloseGraceMs, [this] { finish("quit"); });
  }
}

template <class T>
void Connection::perform(std::function<T()> work, std::function<pop3::Output(T)> answer) {
  set_reading(false);
  auto w = uv::run_blocking<T>(loop_, std::move(work), [this, answer = std::move(answer)](T result) {
    handle(answer(std::move(result)));
    if (!done_ && !closing_ && !session_.waiting()) set_reading(true);
  });
  if (!w) return finish("blocking_work_failed", w.error());
  work_ = std::move(*w);
}

void Connection::set_reading(bool on) {
  if (!on) {
    if (secure_) secure_->pause_reading();
    else if (plain_) plain_->pause_reading();
    return;
  }
  Status s = secure_ ? secure_->resume_reading() : plain_ ? plain_->resume_reading() : Status();
  if (!s) finish("read_failed", s.message());
}

void Connection::start_tls() {
  // Called from the plain stream's on_data, after "+OK Begin TLS negotiation" was
  // queued; the session has already dropped anything pipelined after STLS.
  auto t = tls::TlsStream::upgrade(loop_, std::move(plain_), tls_, {});
  if (!t) return finish("tls_failed", t.error());
  secure_ = std::move(*t);
  secure_->set_write_limit(static_cast<std::size_t>(cfg_.max_message_bytes) * 3 + (64u << 10));
  auto data = [this](std::string_view d) { on_data(d); };
  auto end = [this](Status s) { s ? finish("peer_closed") : finish("connection_error", s.message()); };
  Status s = secure_->start_reading(data, end, [this] {
    log_.info("tls_started").kv("session", id_).kv("tls", secure_->describe());
    handle(session_.tls_started());
  });
  if (!s) finish("read_failed", s.message());
}

void Connection::finish(std::string_view reason, const std::string& error) {
  if (done_) return;
  done_ = true;
  idle_.stop();
  auth_delay_.stop();
  // After QUIT (or max_errors) the session closed: how the peer then hangs up (often
  // without a TLS close_notify) is not an error.
  std::string err = closing_ ? std::string() : error;
  if (closing_) reason = "session_closed";
  {
    auto rec = err.empty() ? log_.info("session_end") : log_.warning("session_end");
    rec.kv("session", id_).kv("peer", peer_).kv("user", session_.user()).kv("reason", reason);
    if (!err.empty()) rec.kv("error", err);
  }
  if (secure_) secure_->close();
  if (plain_) plain_->close();
  if (on_done_) on_done_();  // the owner destroys this connection later, not now
}

}  // namespace hamail::mailsvc::pop3d
