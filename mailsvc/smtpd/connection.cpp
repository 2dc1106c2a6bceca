#include "hamail/mailsvc/smtpd/connection.h"

#include <type_traits>
#include <variant>

#include "hamail/base/invariant.h"

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

smtp::SmtpConfig session_config(const SmtpdConfig& config, smtp::PortRole role) {
  smtp::SmtpConfig sc;
  sc.role = role;
  sc.hostname = config.hostname;
  sc.max_message_size = config.max_message_size;
  sc.max_recipients = config.max_recipients;
  sc.max_errors = config.max_errors;
  sc.tls_configured = true;
  sc.allow_plaintext_auth = config.clients.allow_plaintext_auth;
  sc.sender_must_match_login = config.sender_must_match_login;
  return sc;
}

}  // namespace

std::string Connection::busy_reply(const SmtpdConfig& config) {
  return "421 4.7.0 " + config.hostname + " too many connections, try again later\r\n";
}

Connection::Connection(uv::EventLoop& loop, const SmtpdConfig& config, const daemon::Listener& listener,
                       const tls::TlsContext& tls, const Mailer& mailer, QueueRunner& runner,
                       daemon::AuthLimiter& limiter, daemon::MailMetrics& metrics, const Logger& log,
                       std::unique_ptr<uv::Stream> stream,
                       OnDone on_done)
    : loop_(loop),
      role_(role_of(listener)),
      listener_tls_(listener.tls),
      listener_kind_(listener.kind),
      policy_(config.clients),
      auth_delay_(loop),
      mailer_(mailer),
      runner_(runner),
      limiter_(limiter),
      metrics_(metrics),
      log_(log),
      stream_(loop, tls, std::move(stream)),
      idle_(loop),
      session_(session_config(config, role_)),
      on_done_(std::move(on_done)),
      client_ip_(client_ip_of(stream_.peer())) {}

void Connection::start() {
  log_.debug("connect").kv("peer", stream_.peer()).kv("role", to_string(role_));
  metrics_.session_started(listener_kind_);
  touch();
  Status s = stream_.start(listener_tls_, [this](std::string_view d) { on_data(d); }, [this](Status st) { on_end(std::move(st)); });
  if (!s) return finish(s.message());
  handle(session_.start());
}

void Connection::touch() {
  if (done_) return;
  idle_.start(policy_.idle_timeout_ms, [this] {
    log_.info("idle_timeout").kv("peer", stream_.peer());
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
  if (!s && !closing_) log_.debug("connection_error").kv("peer", stream_.peer()).kv("error", s.message());
  finish("peer closed");
}

void Connection::write(std::string bytes) {
  if (bytes.empty() || done_) return;
  if (Status s = stream_.write(std::move(bytes)); !s) {
    log_.warning("write_failed").kv("peer", stream_.peer()).kv("error", s.message());
    finish("write failed");
  }
}

void Connection::handle(smtp::Output out) {
  if (done_) return;
  write(std::move(out.bytes));
  if (out.action) return act(std::move(*out.action));
  if (out.close && !done_) {
    closing_ = true;
    idle_.start(10000, [this] { finish("closed"); });  // bounded wait for the peer's EOF
    if (Status s = stream_.shutdown(); !s) finish("shutdown failed");
  }
}

void Connection::act(smtp::Action action) {
  if (done_) return;
  const Mailer& mailer = mailer_;
  if (std::holds_alternative<smtp::StartTls>(action)) return begin_tls();
  if (auto* a = std::get_if<smtp::Authenticate>(&action)) return authenticate(std::move(*a));
  if (auto* c = std::get_if<smtp::CheckSender>(&action)) {
    return perform<smtp::SenderVerdict>([&mailer, c = *c, peer = stream_.peer()] { return mailer.check_sender(c, peer); },
                                        [this](smtp::SenderVerdict v) { return session_.sender_checked(v); });
  }
  if (auto* c = std::get_if<smtp::CheckRecipient>(&action)) {
    return perform<smtp::RecipientVerdict>(
        [&mailer, role = role_, c = *c] { return mailer.check_recipient(role, c); },
        [this, address = c->address](smtp::RecipientVerdict v) {
          // What the indicators count as rejected (the mail trace), as Postfix's "NOQUEUE: reject".
          if (v == smtp::RecipientVerdict::unknown_user || v == smtp::RecipientVerdict::relay_denied) {
            bool unknown = v == smtp::RecipientVerdict::unknown_user;
            log_.info("recipient_rejected").kv("to", address).kv("status", "rejected")
                .kv("reason", unknown ? "unknown_user" : "relay_denied").kv("peer", stream_.peer());
            (unknown ? mailer_.counters().rejected_recipient : mailer_.counters().rejected_relay).inc();
          }
          return session_.recipient_checked(v);
        });
  }
  if (auto* b = std::get_if<smtp::BeginMessage>(&action)) return begin_message(std::move(b->envelope));
  if (auto* d = std::get_if<smtp::MessageData>(&action)) {
    HAMAIL_INVARIANT(incoming_ != nullptr, "MessageData without a message being received");
    return perform<bool>([msg = incoming_, data = std::move(d->data)] { return msg->append(data), true; },
                         [this](bool) { return session_.data_written(); });
  }
  if (auto* m = std::get_if<smtp::MessageComplete>(&action)) {
    HAMAIL_INVARIANT(incoming_ != nullptr, "MessageComplete without a message being received");
    return perform<Accepted>(
        [&mailer, msg = std::move(incoming_), m = std::move(*m), ip = client_ip_] {
          msg->append(m.data);
          return mailer.finish_message(*msg, m.envelope, ip);
        },
        [this](Accepted acc) {
          smtp::Output o = session_.message_stored(acc.result);
          if (acc.queued) runner_.submit(std::move(*acc.queued));
          return o;
        });
  }
  if (std::holds_alternative<smtp::DiscardMessage>(action)) {
    log_.info("message_rejected").kv("status", "rejected").kv("reason", "size").kv("peer", stream_.peer());
    mailer_.counters().rejected_size.inc();
    return perform<bool>([msg = std::move(incoming_)] { return msg->discard(), true; },
                         [this](bool) { return session_.message_discarded(); });
  }
}

// DATA: the queue file is opened on the pool (routing, free space); 354 only then.
void Connection::begin_message(smtp::Envelope envelope) {
  if (runner_.queued() >= runner_.max_queued()) {
    log_.error("queue_full").kv("peer", stream_.peer()).kv("status", "tempfail")
        .kv("queued", static_cast<unsigned long>(runner_.queued()));
    mailer_.counters().rejected_queue_full.inc();
    return handle(session_.message_begun({smtp::StoreResult::Kind::insufficient_storage, {}}));
  }
  perform<Receiving>(
      [&mailer = mailer_, role = role_, e = std::move(envelope), ip = client_ip_, id = runner_.next_queue_id()] {
        return mailer.begin_message(role, e, ip, id);
      },
      [this](Receiving r) {
        incoming_ = std::move(r.message);
        return session_.message_begun(r.result);
      });
}

// AUTH: refused without a password check past the failed-login limits; a wrong password
// is counted there and answered after auth_failure_delay (reading stays paused meanwhile).
void Connection::authenticate(smtp::Authenticate a) {
  if (daemon::login_refused(limiter_, log_, stream_.peer(), a.user, loop_.now_ms())) {
    metrics_.login("refused");
    return handle(session_.auth_result(smtp::AuthVerdict::rate_limited));
  }
  std::string user = a.user;
  perform<smtp::AuthVerdict>(
      [&mailer = mailer_, a = std::move(a), peer = stream_.peer()] { return mailer.authenticate(a, peer); },
      [this, user](smtp::AuthVerdict v) {
        metrics_.login(v == smtp::AuthVerdict::ok                ? "ok"
                       : v == smtp::AuthVerdict::bad_credentials ? "failed"
                                                                 : "error");
        if (v != smtp::AuthVerdict::bad_credentials) return session_.auth_result(v);
        daemon::login_failed(limiter_, log_, stream_.peer(), user, loop_.now_ms());
        if (policy_.auth_failure_delay_ms == 0) return session_.auth_result(v);
        auth_delay_.start(policy_.auth_failure_delay_ms, [this, v] {
          handle(session_.auth_result(v));
          if (!done_ && !session_.waiting()) resume();
        });
        return smtp::Output{};  // the session still waits: reading stays paused
      });
}

template <class T>
void Connection::perform(std::function<T()> work, std::function<smtp::Output(T)> answer) {
  stream_.pause_reading();
  auto w = uv::run_blocking<T>(loop_, std::move(work), [this, answer = std::move(answer)](T result) {
    smtp::Output out = answer(std::move(result));
    handle(std::move(out));
    if (!done_ && !session_.waiting()) resume();
  });
  if (!w) return finish("cannot run blocking work: " + w.error());
  work_ = std::move(*w);
}

void Connection::resume() {
  if (Status s = stream_.resume_reading(); !s) finish("resume failed: " + s.message());
}

void Connection::begin_tls() {
  Status s = stream_.start_tls([this] {
    log_.debug("tls_started").kv("peer", stream_.peer()).kv("tls", stream_.tls_description());
    handle(session_.tls_started());
  });
  if (!s) finish(s.message());
}

void Connection::finish(std::string_view reason) {
  if (done_) return;
  done_ = true;
  idle_.stop();
  auth_delay_.stop();
  log_.debug("disconnect").kv("peer", stream_.peer()).kv("reason", reason);
  metrics_.session_ended(listener_kind_, daemon::session_tls(listener_tls_, stream_.encrypted()));
  stream_.close();
  on_done_();
}

}  // namespace hamail::mailsvc::smtpd
