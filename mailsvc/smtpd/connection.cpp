#include "hamail/mailsvc/smtpd/connection.h"

#include <type_traits>
#include <variant>

namespace hamail::mailsvc::smtpd {

namespace {

// "127.0.0.1:40512" -> "127.0.0.1"; "[::1]:25" -> "IPv6:::1" (Received syntax).
std::string client_ip_of(const std::string& peer) {
  if (!peer.empty() && peer[0] == '[') {
    auto close = peer.find(']');
    return "IPv6:" + peer.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  }
  return peer.substr(0, peer.rfind(':'));
}

}  // namespace

Connection::Connection(uv::EventLoop& loop, std::uint64_t id, smtp::SmtpConfig config, std::uint64_t idle_timeout_ms,
                       std::uint64_t auth_failure_delay_ms, const tls::TlsContext& tls, const Mailer& mailer, QueueRunner& runner, const Logger& log,
                       std::unique_ptr<uv::Stream> stream, OnDone on_done)
    : loop_(loop),
      id_(id),
      role_(config.role),
      idle_timeout_ms_(idle_timeout_ms),
      auth_failure_delay_ms_(auth_failure_delay_ms),
      auth_delay_(loop),
      tls_ctx_(tls),
      mailer_(mailer),
      runner_(runner),
      log_(log),
      plain_(std::move(stream)),
      idle_(loop),
      session_(std::move(config)),
      on_done_(std::move(on_done)),
      peer_(plain_->peer()),
      client_ip_(client_ip_of(peer_)) {}

void Connection::start() {
  log_.debug("connect").kv("peer", peer_).kv("role", to_string(role_));
  touch();
  auto data = [this](std::string_view d) { on_data(d); };
  auto end = [this](Status s) { on_end(std::move(s)); };
  if (role_ == smtp::PortRole::submissions) {
    auto t = tls::TlsStream::start(loop_, std::move(plain_), tls_ctx_);
    if (!t) return finish("tls start failed: " + t.error());
    tls_ = std::move(*t);
    if (auto s = tls_->start_reading(data, end); !s) return finish(s.message());
  } else if (auto s = plain_->start_reading(data, end); !s) {
    return finish(s.message());
  }
  handle(session_.start());
}

void Connection::touch() {
  if (done_) return;
  idle_.start(idle_timeout_ms_, [this] {
    log_.info("idle_timeout").kv("peer", peer_);
    write("421 4.4.2 " + std::string("idle timeout, closing connection\r\n"));
    finish("idle timeout");
  });
}

void Connection::on_data(std::string_view data) {
  if (done_ || closing_) return;
  touch();
  handle(session_.feed(data));
}

void Connection::on_end(Status s) {
  if (!s && !closing_) log_.debug("connection_error").kv("peer", peer_).kv("error", s.message());
  finish("peer closed");
}

void Connection::write(std::string bytes) {
  if (bytes.empty() || done_) return;
  Status s = tls_ ? tls_->write(std::move(bytes)) : plain_ ? plain_->write(std::move(bytes)) : Status(Error{"closed"});
  if (!s) {
    log_.warning("write_failed").kv("peer", peer_).kv("error", s.message());
    finish("write failed");
  }
}

void Connection::handle(smtp::Output out) {
  while (!done_) {
    write(std::move(out.bytes));
    out.bytes.clear();
    if (out.action) {
      smtp::Action action = std::move(*out.action);
      out.action.reset();
      if (std::holds_alternative<smtp::StartTls>(action)) {
        begin_tls();
        return;
      }
      const Mailer& mailer = mailer_;
      if (auto* c = std::get_if<smtp::CheckRecipient>(&action)) {
        perform<smtp::RecipientVerdict>([&mailer, role = role_, c = *c] { return mailer.check_recipient(role, c); },
                                        [this](smtp::RecipientVerdict v) { return session_.recipient_checked(v); });
      } else if (auto* a = std::get_if<smtp::Authenticate>(&action)) {
        perform<smtp::AuthVerdict>([&mailer, a = std::move(*a), peer = peer_] { return mailer.authenticate(a, peer); },
                                   [this](smtp::AuthVerdict v) {
                                     if (v != smtp::AuthVerdict::bad_credentials || auth_failure_delay_ms_ == 0)
                                       return session_.auth_result(v);
                                     auth_delay_.start(auth_failure_delay_ms_, [this, v] {
                                       handle(session_.auth_result(v));
                                       if (!done_ && !session_.waiting()) resume();
                                     });
                                     return smtp::Output{};  // the session still waits: reading stays paused
                                   });
      } else if (auto* m = std::get_if<smtp::MessageComplete>(&action)) {
        if (runner_.queued() >= runner_.max_queued()) {
          log_.error("queue_full").kv("peer", peer_).kv("status", "tempfail")
              .kv("queued", static_cast<unsigned long>(runner_.queued()));
          return handle(session_.message_stored({smtp::StoreResult::Kind::insufficient_storage, {}}));
        }
        perform<Accepted>(
            [&mailer, role = role_, m = std::move(*m), ip = client_ip_, id = runner_.next_queue_id()] {
              return mailer.accept(role, m, ip, id);
            },
            [this](Accepted acc) {
              smtp::Output o = session_.message_stored(acc.result);
              if (acc.queued) runner_.submit(std::move(*acc.queued));
              return o;
            });
      }
      return;
    }
    if (out.close) {
      closing_ = true;
      idle_.start(10000, [this] { finish("closed"); });  // bounded wait for the peer's EOF
      Status s = tls_ ? tls_->shutdown() : plain_ ? plain_->shutdown() : Status();
      if (!s) finish("shutdown failed");
    }
    return;
  }
}

template <class T>
void Connection::perform(std::function<T()> work, std::function<smtp::Output(T)> answer) {
  pause();
  auto w = uv::run_blocking<T>(loop_, std::move(work), [this, answer = std::move(answer)](T result) {
    smtp::Output out = answer(std::move(result));
    handle(std::move(out));
    if (!done_ && !session_.waiting()) resume();
  });
  if (!w) return finish("cannot run blocking work: " + w.error());
  work_ = std::move(*w);
}

void Connection::pause() {
  if (tls_) tls_->pause_reading();
  else if (plain_) plain_->pause_reading();
}

void Connection::resume() {
  Status s = tls_ ? tls_->resume_reading() : plain_ ? plain_->resume_reading() : Status();
  if (!s) finish("resume failed: " + s.message());
}

void Connection::begin_tls() {
  tls::TlsStreamOptions opts;
  opts.pipelined = tls::PipelinedPlaintext::discard;  // the session already dropped it
  auto t = tls::TlsStream::upgrade(loop_, std::move(plain_), tls_ctx_, {}, opts);
  if (!t) return finish("STARTTLS failed: " + t.error());
  tls_ = std::move(*t);
  auto s = tls_->start_reading([this](std::string_view d) { on_data(d); }, [this](Status st) { on_end(std::move(st)); },
                               [this] {
                                 log_.debug("tls_started").kv("peer", peer_).kv("tls", tls_->describe());
                                 handle(session_.tls_started());
                               });
  if (!s) finish(s.message());
}

void Connection::finish(std::string_view reason) {
  if (done_) return;
  done_ = true;
  idle_.stop();
  auth_delay_.stop();
  log_.debug("disconnect").kv("peer", peer_).kv("reason", reason);
  if (tls_) tls_->close();
  if (plain_) plain_->close();
  on_done_(id_);
}

}  // namespace hamail::mailsvc::smtpd
