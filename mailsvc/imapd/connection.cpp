#include "hamail/mailsvc/imapd/connection.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "hamail/mailsvc/daemon/session_log.h"

namespace hamail::mailsvc::imapd {

namespace {

constexpr std::uint64_t kCloseGraceMs = 5000;         // after LOGOUT / BYE: wait this long for the peer to close
constexpr std::size_t kMaxCompressedPending = 256u << 10;  // DEFLATE input waiting to be inflated (about 4 reads)

// Replies are written whole (a FETCH of BODY[] holds the message): room for a few of
// the largest messages; a slower reader than that is cut off.
std::size_t write_limit(const ImapdConfig& cfg) {
  return static_cast<std::size_t>(cfg.max_message_bytes) * 4 + (1u << 20);
}

imap::ImapConfig session_config(const ImapdConfig& cfg, daemon::ListenerTls mode) {
  imap::ImapConfig c;
  c.implicit_tls = mode == daemon::ListenerTls::implicit;
  c.tls_configured = true;  // the daemon always has a certificate (generated when none is configured)
  c.allow_plaintext_auth = cfg.clients.allow_plaintext_auth;
  c.limits.max_message = cfg.max_message_bytes;
  c.limits.max_literal = static_cast<std::size_t>(cfg.max_literal_bytes);
  c.limits.max_command = std::max(c.limits.max_command, c.limits.max_literal + (64u << 10));
  return c;
}

bool is_bye(const std::string& bytes) { return bytes.rfind("* BYE", 0) == 0; }

}  // namespace

Connection::Connection(uv::EventLoop& loop, const ImapdConfig& cfg, const tls::TlsContext& tls,
                       daemon::AuthLimiter& limiter, daemon::MailMetrics& metrics, const Logger& log,
                       daemon::ListenerTls mode,
                       std::string session_id, std::unique_ptr<uv::Stream> stream, OnDone on_done)
    : loop_(loop), cfg_(cfg), limiter_(limiter), metrics_(metrics),
      retrieved_(metrics.counter("messages_retrieved")), deleted_(metrics.counter("messages_deleted")), log_(log), mode_(mode), id_(std::move(session_id)),
      on_done_(std::move(on_done)), stream_(loop, tls, std::move(stream), write_limit(cfg)),
      session_(session_config(cfg, mode)), autologout_(loop), auth_delay_(loop), idle_timer_(loop) {}

Connection::~Connection() = default;

void Connection::start() {
  daemon::log_session_start(log_, id_, stream_.peer(), mode_);
  metrics_.session_started(daemon::to_string(mode_));
  touch();
  auto data = [this](std::string_view d) { on_data(d); };
  auto end = [this](Status s) { s ? finish("peer_closed") : finish("connection_error", s.message()); };
  stream_.set_on_written([this] { next_part_if_room(); });
  if (Status s = stream_.start(mode_, data, end); !s) return finish("read_failed", s.message());
  handle(session_.start());
}

// RFC 3501 5.4: a logged-in client may stay silent 30 minutes; before login much less.
void Connection::touch() {
  if (closing_ || done_) return;
  std::uint64_t ms = session_.state() == imap::ImapState::not_authenticated ? cfg_.login_timeout_ms
                                                                             : cfg_.clients.idle_timeout_ms;
  autologout_.start(ms, [this] {
    log_.info("autologout").kv("session", id_).kv("user", user_);
    send("* BYE Autologout; idle for too long\r\n");
    closing_ = true;
    (void)stream_.shutdown();
    autologout_.start(kCloseGraceMs, [this] { finish("autologout"); });
  });
}

void Connection::on_data(std::string_view data) {
  if (done_ || closing_) return;
  touch();
  if (!deflate_) return handle(session_.feed(data));
  if (Status s = deflate_->add_input(data, kMaxCompressedPending); !s) return finish("inflate_failed", s.message());
  inflate_and_feed();
}

void Connection::inflate_and_feed() {
  while (deflate_ && !done_ && !closing_ && !session_.waiting() && deflate_->input_pending()) {
    auto piece = deflate_->inflate_piece();
    if (!piece) return finish("inflate_failed", piece.error());
    if (piece->empty()) break;
    handle(session_.feed(*piece));
  }
}

void Connection::send(std::string bytes) {
  if (done_ || bytes.empty()) return;
  if (deflate_) {
    auto packed = deflate_->compress(bytes);
    if (!packed) return finish("deflate_failed", packed.error());
    bytes = std::move(*packed);
  }
  if (Status s = stream_.write(std::move(bytes)); !s) finish("write_failed", s.message());
}

void Connection::handle(imap::Output out) {
  if (done_) return;
  send(std::move(out.bytes));
  if (done_) return;
  if (out.action) {
    std::visit(
        [this](auto& a) {
          using A = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<A, imap::TlsHandshake>) start_tls();
          else if constexpr (std::is_same_v<A, imap::CheckCredentials>) check_credentials(std::move(a));
          else if constexpr (std::is_same_v<A, imap::MailboxWork>) mailbox_work(std::move(a));
          else if constexpr (std::is_same_v<A, imap::IdleStart>) idle_start(a.flags);
          else if constexpr (std::is_same_v<A, imap::IdleEnd>) idle_end();
          else start_deflate(std::move(a.compressed_input));
        },
        *out.action);
  }
  if (out.close && !closing_ && !done_) {
    closing_ = true;
    idle_stop();
    (void)stream_.shutdown();  // the grace timer bounds the wait for the peer either way
    autologout_.start(kCloseGraceMs, [this] { finish("logout"); });
  }
}

void Connection::start_tls() {
  // Called while handling input, after "TAG OK Begin TLS negotiation now" was queued; the
  // session and the stream drop anything pipelined after STARTTLS.
  Status s = stream_.start_tls([this] {
    daemon::log_tls_started(log_, id_, stream_.tls_description());
    handle(session_.tls_started());
  });
  if (!s) finish("tls_failed", s.message());
}

void Connection::start_deflate(std::string compressed_input) {
  auto d = DeflateStream::create();
  if (!d) return finish("deflate_failed", d.error());
  deflate_ = std::move(*d);
  log_.info("compress_started").kv("session", id_).kv("user", user_);
  if (compressed_input.empty()) return;
  if (Status s = deflate_->add_input(compressed_input, kMaxCompressedPending); !s)
    return finish("inflate_failed", s.message());
  inflate_and_feed();
}

// A login: refused without a password check past the failed-login limits; a wrong
// password is counted there and its NO comes after auth_failure_delay (reading paused).
void Connection::check_credentials(imap::CheckCredentials credentials) {
  if (daemon::login_refused(limiter_, log_, stream_.peer(), credentials.user, loop_.now_ms())) {
    metrics_.login("refused");
    return handle(session_.auth_result(imap::AuthResult::temporary_failure));
  }
  set_reading(false);
  std::string user = credentials.user;
  auto w = uv::run_blocking<Login>(
      loop_,
      [&cfg = cfg_, &log = log_, c = std::move(credentials), id = id_] { return imapd::check_credentials(cfg, log, c, id); },
      [this, user](Login login) {
        metrics_.login(login.result == imap::AuthResult::ok       ? "ok"
                       : login.result == imap::AuthResult::failed ? "failed"
                                                                  : "error");
        if (login.result == imap::AuthResult::ok) {
          user_ = login.user;
          imapworker::WorkerLimits limits;
          limits.max_message_bytes = static_cast<std::size_t>(cfg_.max_message_bytes);
          worker_ = std::make_shared<imapworker::MailboxWorker>(login.maildir, limits);
        }
        if (login.result != imap::AuthResult::failed || cfg_.clients.auth_failure_delay_ms == 0) {
          if (login.result == imap::AuthResult::failed)
            daemon::login_failed(limiter_, log_, stream_.peer(), user, loop_.now_ms());
          handle(session_.auth_result(login.result));
          touch();  // the autologout of the new state
          return after_action();
        }
        daemon::login_failed(limiter_, log_, stream_.peer(), user, loop_.now_ms());
        auth_delay_.start(cfg_.clients.auth_failure_delay_ms, [this] {
          handle(session_.auth_result(imap::AuthResult::failed));
          after_action();
        });
      });
  if (!w) return finish("blocking_work_failed", w.error());
  work_ = std::move(*w);
}

// Every mailbox command runs on a pool thread with the session's worker (one job at a
// time: the session sends no other action until this one is answered). A FETCH comes
// back in parts: each is sent at once, the next made on the pool while the write queue
// is below kWriteQueueBound, so the client reads while the rest is made and a big
// answer never sits whole in memory; the last part goes through the session.
void Connection::mailbox_work(imap::MailboxWork work) {
  if (!worker_) return finish("no_worker", "mailbox work before login");
  set_reading(false);
  streamed_ = Streamed{};
  auto request = std::make_shared<imap::MailboxRequest>(std::move(work.request));
  run_part([worker = worker_, request] { return worker->run_in_parts(*request, kFirstPartBytes); });
}

void Connection::run_part(std::function<imapworker::MailboxWorker::Part()> job) {
  auto w = uv::run_blocking<imapworker::MailboxWorker::Part>(
      loop_, std::move(job), [this](imapworker::MailboxWorker::Part part) { part_done(std::move(part)); });
  if (!w) return finish("blocking_work_failed", w.error());
  work_ = std::move(*w);
}

void Connection::part_done(imapworker::MailboxWorker::Part part) {
  if (done_) return;
  // As pop3d logs RETR and DELE: the mail trace links these to the delivery by the file name.
  for (const auto& f : part.reply.files_read) log_.info("message_read").kv("session", id_).kv("user", user_).kv("file", f);
  for (const auto& f : part.reply.files_expunged)
    log_.info("message_deleted").kv("session", id_).kv("user", user_).kv("file", f);
  if (!part.reply.files_read.empty()) retrieved_.inc(part.reply.files_read.size());
  if (!part.reply.files_expunged.empty()) deleted_.inc(part.reply.files_expunged.size());
  if (part.more || streamed_.active) {
    streamed_.active = part.more;
    streamed_.parts++;
    streamed_.bytes += part.reply.bytes.size();
  }
  if (!part.more) {
    if (streamed_.parts > 0) log_streamed(true);
    if (part.reply.bye) log_.info("mailbox_gone").kv("session", id_).kv("user", user_);
    handle(session_.mailbox_done(std::move(part.reply)));
    return after_action();
  }
  send(std::move(part.reply.bytes));
  if (done_) return;
  touch();  // a client that reads a long reply is not idle; one that stopped is logged out in time
  streamed_.max_queued = std::max(streamed_.max_queued, stream_.pending_write_bytes());
  streamed_.part_wanted = true;
  next_part_if_room();
}

void Connection::next_part_if_room() {
  if (done_ || closing_ || !streamed_.part_wanted) return;
  if (std::size_t queued = stream_.pending_write_bytes(); queued >= kWriteQueueBound) {
    if (!streamed_.waiting) {
      streamed_.waits++;
      log_.debug("reply_waiting").kv("session", id_).kv("parts", streamed_.parts).kv("queued", queued);
    }
    streamed_.waiting = true;  // the socket's on_written calls again
    return;
  }
  streamed_.waiting = false;
  streamed_.part_wanted = false;
  run_part([worker = worker_] { return worker->next_part(kReplyPartBytes); });
}

// A reply the client left unfinished is worth a line; a finished one only with --debug.
void Connection::log_streamed(bool complete) {
  LogRecord(&log_, complete ? LogLevel::debug : LogLevel::info, "reply_streamed")
      .kv("session", id_)
      .kv("user", user_)
      .kv("complete", complete)
      .kv("parts", streamed_.parts)
      .kv("bytes", streamed_.bytes)
      .kv("waits", streamed_.waits)
      .kv("max_queued", streamed_.max_queued);
}

// IDLE: the worker is polled now, whenever the selected folder changes and on a timer,
// until IdleEnd; its updates go out as they come. A poll that finds the mailbox gone
// answers "* BYE": sent, then close.
void Connection::idle_start(imap::SessionFlags flags) {
  if (!worker_) return finish("no_worker", "IDLE before login");
  idling_ = true;
  idle_flags_ = flags;
  std::uint64_t every = kIdlePollMs;
  if (std::string folder = worker_->selected_path(); !folder.empty()) {
    auto watch = MailboxWatch::start(loop_, folder, [this] { idle_changed(); });
    if (watch) {
      idle_watch_ = std::move(*watch);
      every = kIdleSafetyPollMs;
    } else {
      log_.warning("idle_watch_failed").kv("session", id_).kv("error", watch.error()).kv("poll_ms", kIdlePollMs);
    }
  }
  idle_poll();
  idle_timer_.start(every, [this] { idle_poll(); }, every);
}

void Connection::idle_changed() {
  if (!idling_ || idle_end_waiting_) return;
  if (poll_running_) {
    poll_again_ = true;  // one more poll after this one: changes coalesce
    return;
  }
  idle_poll();
}

void Connection::idle_stop() {
  idle_timer_.stop();
  idle_watch_.reset();
  poll_again_ = false;
}

void Connection::idle_poll() {
  if (!idling_ || poll_running_ || done_ || closing_) return;
  poll_running_ = true;
  auto w = uv::run_blocking<std::string>(
      loop_, [worker = worker_, flags = idle_flags_] { return worker->poll(imap::MailboxPoll{flags}); },
      [this](std::string updates) {
        poll_running_ = false;
        if (is_bye(updates)) {
          log_.info("mailbox_gone").kv("session", id_).kv("user", user_);
          idling_ = false;
          idle_stop();
          send(std::move(updates));
          return handle(imap::Output{{}, std::nullopt, true});
        }
        if (idle_end_waiting_) {
          idle_end_waiting_ = false;
          idling_ = false;
          handle(session_.idle_ended(std::move(updates)));
          return after_action();
        }
        if (!updates.empty()) handle(session_.idle_poll_result(std::move(updates)));
        if (poll_again_ && idling_ && !done_) {
          poll_again_ = false;
          idle_poll();
        }
      });
  if (!w) return finish("blocking_work_failed", w.error());
  work_ = std::move(*w);
}

void Connection::idle_end() {
  idle_stop();
  if (poll_running_) {  // its updates come before the tagged reply
    idle_end_waiting_ = true;
    return set_reading(false);
  }
  idling_ = false;
  handle(session_.idle_ended({}));
}

void Connection::after_action() {
  if (done_ || closing_ || session_.waiting()) return;
  set_reading(true);
  inflate_and_feed();
}

void Connection::set_reading(bool on) {
  if (!on) return stream_.pause_reading();
  if (Status s = stream_.resume_reading(); !s) finish("read_failed", s.message());
}

void Connection::finish(std::string_view reason, const std::string& error) {
  if (done_) return;
  done_ = true;
  if (streamed_.active) log_streamed(false);
  streamed_ = Streamed{};
  autologout_.stop();
  auth_delay_.stop();
  idle_stop();
  // After LOGOUT (or a BYE) the session closed: how the peer then hangs up (often without
  // a TLS close_notify) is not an error.
  std::string err = closing_ ? std::string() : error;
  if (closing_ && reason != "autologout") reason = "session_closed";
  daemon::log_session_end(log_, id_, stream_.peer(), user_, reason, err);
  metrics_.session_ended(daemon::to_string(mode_), daemon::session_tls(mode_, stream_.encrypted()));
  stream_.close();
  if (on_done_) on_done_();  // the owner destroys this connection later, not now
}

}  // namespace hamail::mailsvc::imapd
