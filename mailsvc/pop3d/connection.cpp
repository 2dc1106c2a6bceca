#include "hamail/mailsvc/pop3d/connection.h"

#include <variant>

#include "hamail/mailsvc/daemon/session_log.h"
#include "hamail/mailsvc/pop3d/authenticator.h"

namespace hamail::mailsvc::pop3d {

namespace {

constexpr std::uint64_t kCloseGraceMs = 5000;  // after QUIT: wait this long for the peer to close

// RETR answers are written whole: room for the largest message, dot-stuffed.
std::size_t write_limit(const Pop3dConfig& cfg) { return static_cast<std::size_t>(cfg.max_message_bytes) * 3 + (64u << 10); }

pop3::Pop3Config session_config(const Pop3dConfig& cfg, daemon::ListenerTls mode) {
  pop3::Pop3Config c;
  c.hostname = cfg.hostname;
  c.implicit_tls = mode == daemon::ListenerTls::implicit;
  c.tls_configured = true;
  c.allow_plaintext_auth = cfg.clients.allow_plaintext_auth;
  return c;
}

}  // namespace

Connection::Connection(uv::EventLoop& loop, const Pop3dConfig& cfg, const tls::TlsContext& tls,
                       daemon::AuthLimiter& limiter, daemon::MailMetrics& metrics, const Logger& log,
                       daemon::ListenerTls mode,
                       std::string session_id, std::unique_ptr<uv::Stream> stream, OnDone on_done)
    : loop_(loop), cfg_(cfg), limiter_(limiter), metrics_(metrics), log_(log), mode_(mode), id_(std::move(session_id)), on_done_(std::move(on_done)),
      stream_(loop, tls, std::move(stream), write_limit(cfg)), session_(session_config(cfg, mode)), idle_(loop),
      auth_delay_(loop) {}

Connection::~Connection() = default;

void Connection::start() {
  daemon::log_session_start(log_, id_, stream_.peer(), mode_);
  metrics_.session_started(daemon::to_string(mode_));
  touch();
  auto data = [this](std::string_view d) { on_data(d); };
  auto end = [this](Status s) { s ? finish("peer_closed") : finish("connection_error", s.message()); };
  if (Status s = stream_.start(mode_, data, end); !s) return finish("read_failed", s.message());
  handle(session_.start());
}

void Connection::touch() {
  if (closing_) return;
  idle_.start(cfg_.clients.idle_timeout_ms, [this] { finish("idle_timeout"); });
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
      if (Status s = stream_.write(std::move(out.bytes)); !s) return finish("write_failed", s.message());
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
    return authenticate(std::get<pop3::Authenticate>(*out.action));
  }
  if (out.close && !closing_) {
    closing_ = true;
    (void)stream_.shutdown();  // the grace timer below bounds the wait for the peer either way
    idle_.start(kCloseGraceMs, [this] { finish("quit"); });
  }
}

// A login: refused without a password check past the failed-login limits; a wrong
// password is counted there and its -ERR comes after auth_failure_delay (reading paused).
void Connection::authenticate(pop3::Authenticate auth) {
  if (daemon::login_refused(limiter_, log_, stream_.peer(), auth.user, loop_.now_ms())) {
    metrics_.login("refused");
    return handle(session_.auth_result(pop3::AuthAnswer::failed(pop3::AuthAnswer::Kind::rate_limited)));
  }
  std::string user = auth.user;
  perform<pop3::AuthAnswer>(
      [&cfg = cfg_, &log = log_, auth = std::move(auth), id = id_,
       counters = MaildropCounters{metrics_.counter("messages_retrieved"), metrics_.counter("messages_deleted")}] {
        return pop3d::authenticate(cfg, log, auth, id, counters);
      },
      [this, user](pop3::AuthAnswer answer) {
        using Kind = pop3::AuthAnswer::Kind;
        metrics_.login(answer.kind == Kind::ok                ? "ok"
                       : answer.kind == Kind::bad_credentials ? "failed"
                                                              : "error");  // locked, temporary failure
        if (answer.kind != pop3::AuthAnswer::Kind::bad_credentials) return session_.auth_result(std::move(answer));
        daemon::login_failed(limiter_, log_, stream_.peer(), user, loop_.now_ms());
        if (cfg_.clients.auth_failure_delay_ms == 0) return session_.auth_result(std::move(answer));
        auth_delay_.start(cfg_.clients.auth_failure_delay_ms, [this] {
          handle(session_.auth_result(pop3::AuthAnswer::failed(pop3::AuthAnswer::Kind::bad_credentials)));
          if (!done_ && !closing_ && !session_.waiting()) set_reading(true);
        });
        return pop3::Output{};
      });
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
  if (!on) return stream_.pause_reading();
  if (Status s = stream_.resume_reading(); !s) finish("read_failed", s.message());
}

void Connection::start_tls() {
  // Called from on_data, after "+OK Begin TLS negotiation" was queued; the session has
  // already dropped anything pipelined after STLS.
  Status s = stream_.start_tls([this] {
    daemon::log_tls_started(log_, id_, stream_.tls_description());
    handle(session_.tls_started());
  });
  if (!s) finish("tls_failed", s.message());
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
  daemon::log_session_end(log_, id_, stream_.peer(), session_.user(), reason, err);
  metrics_.session_ended(daemon::to_string(mode_), daemon::session_tls(mode_, stream_.encrypted()));
  stream_.close();
  if (on_done_) on_done_();  // the owner destroys this connection later, not now
}

}  // namespace hamail::mailsvc::pop3d
