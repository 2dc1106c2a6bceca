// One client connection: the client socket (plain, STARTTLS, implicit TLS on
// submissions) around a SmtpSession. Feeds received bytes to the session, sends its
// replies, performs its actions through the Mailer on a pool thread (reading paused
// meanwhile; STARTTLS upgrades the stream in place; DATA goes to the queue file chunk by
// chunk), hands acknowledged messages to the QueueRunner and closes on request or when idle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hamail/base/log.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/daemon/auth_limiter.h"
#include "hamail/mailsvc/daemon/client_stream.h"
#include "hamail/mailsvc/daemon/mail_metrics.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/smtp/session.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/mailer.h"
#include "hamail/mailsvc/smtpd/queue_runner.h"

namespace hamail::mailsvc::smtpd {

class Connection : public daemon::Connection {
 public:
  // `listener` (one of config.listeners) accepted `stream`: its role and TLS.
  // `limiter`: the daemon's failed-login limits, shared by all connections; `metrics`: the
  // daemon's (sessions, logins; the Mailer's counters for the rest).
  Connection(uv::EventLoop& loop, const SmtpdConfig& config, const daemon::Listener& listener,
             const tls::TlsContext& tls, const Mailer& mailer, QueueRunner& runner, daemon::AuthLimiter& limiter,
             daemon::MailMetrics& metrics, const Logger& log, std::unique_ptr<uv::Stream> stream, OnDone on_done);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() override;

  // What a client beyond limits.max_connections is told before the server closes it.
  static std::string busy_reply(const SmtpdConfig& config);

 private:
  void on_data(std::string_view data);
  void on_end(Status s);
  void handle(smtp::Output out);
  void act(smtp::Action action);
  void authenticate(smtp::Authenticate a);
  void begin_message(smtp::Envelope envelope);
  // Runs `work` on a pool thread, then feeds its answer to the session.
  template <class T>
  void perform(std::function<T()> work, std::function<smtp::Output(T)> answer);
  void resume();
  void begin_tls();
  void write(std::string bytes);
  void finish(std::string_view reason);
  void touch();

  uv::EventLoop& loop_;
  smtp::PortRole role_;
  daemon::ListenerTls listener_tls_;
  std::string listener_kind_;
  const daemon::ClientPolicy& policy_;
  uv::Timer auth_delay_;  // holds a failed AUTH's answer (slows password guessing)
  const Mailer& mailer_;
  QueueRunner& runner_;
  daemon::AuthLimiter& limiter_;
  daemon::MailMetrics& metrics_;
  const Logger& log_;
  std::unique_ptr<uv::BlockingWork> work_;
  std::shared_ptr<IncomingMessage> incoming_;  // the message of DATA; shared with the pool work writing it
  daemon::ClientStream stream_;
  uv::Timer idle_;
  smtp::SmtpSession session_;
  OnDone on_done_;
  std::string client_ip_;  // for Received: "127.0.0.1", "IPv6:::1"
  bool done_ = false;
  bool closing_ = false;
};

}  // namespace hamail::mailsvc::smtpd
