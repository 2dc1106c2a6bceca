// One client connection: the libuv/TLS shell around a SmtpSession. Feeds received bytes
// to the session, sends its replies, performs its actions through the Mailer on a pool
// thread (reading paused meanwhile; STARTTLS upgrades the stream in place), hands
// acknowledged messages to the QueueRunner and closes on request or when idle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hamail/base/log.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/mailsvc/smtp/session.h"
#include "hamail/tls/tls_context.h"
#include "hamail/tls/tls_stream.h"
#include "hamail/mailsvc/smtpd/mailer.h"
#include "hamail/mailsvc/smtpd/queue_runner.h"

namespace hamail::mailsvc::smtpd {

class Connection {
 public:
  using OnDone = std::function<void(std::uint64_t id)>;  // the owner destroys it later, not inside

  Connection(uv::EventLoop& loop, std::uint64_t id, smtp::SmtpConfig config, std::uint64_t idle_timeout_ms,
             std::uint64_t auth_failure_delay_ms,
             const tls::TlsContext& tls, const Mailer& mailer, QueueRunner& runner, const Logger& log,
             std::unique_ptr<uv::Stream> stream, OnDone on_done);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();

 private:
  void on_data(std::string_view data);
  void on_end(Status s);
  void handle(smtp::Output out);
  // Runs `work` on a pool thread, then feeds its answer to the session.
  template <class T>
  void perform(std::function<T()> work, std::function<smtp::Output(T)> answer);
  void pause();
  void resume();
  void begin_tls();
  void write(std::string bytes);
  void finish(std::string_view reason);
  void touch();

  uv::EventLoop& loop_;
  std::uint64_t id_;
  smtp::PortRole role_;
  std::uint64_t idle_timeout_ms_;
  std::uint64_t auth_failure_delay_ms_;
  uv::Timer auth_delay_;  // holds a failed AUTH's answer (slows password guessing)
  const tls::TlsContext& tls_ctx_;
  const Mailer& mailer_;
  QueueRunner& runner_;
  const Logger& log_;
  std::unique_ptr<uv::BlockingWork> work_;
  std::unique_ptr<uv::Stream> plain_;
  std::unique_ptr<tls::TlsStream> tls_;
  uv::Timer idle_;
  smtp::SmtpSession session_;
  OnDone on_done_;
  std::string peer_;
  std::string client_ip_;
  bool done_ = false;
  bool closing_ = false;
};

}  // namespace hamail::mailsvc::smtpd
