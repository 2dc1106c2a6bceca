// One POP3 client connection: the client socket (plain, upgraded by STLS, or implicit
// TLS) around a Pop3Session. It sends the session's bytes, performs its actions on a pool
// thread (login: password hash, maildrop lock and scan; message reads; deletions), closes
// when asked, on an idle timeout or when the peer goes away, then calls on_done once.
// Destroying it drops the session and so the maildrop lock (never commits).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hamail/base/log.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/uv/timer.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/daemon/client_stream.h"
#include "hamail/mailsvc/daemon/auth_limiter.h"
#include "hamail/mailsvc/daemon/mail_metrics.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/pop3/session.h"
#include "hamail/mailsvc/pop3d/pop3d_config.h"

namespace hamail::mailsvc::pop3d {

class Connection : public daemon::Connection {
 public:
  // What a client beyond max_connections is told before the server closes it.
  static constexpr const char* kBusyReply = "-ERR [SYS/TEMP] too many connections, try again later\r\n";

  // `limiter`: the daemon's failed-login limits, shared by all connections; `metrics`: the
  // daemon's (sessions, logins, messages_retrieved, messages_deleted).
  Connection(uv::EventLoop& loop, const Pop3dConfig& cfg, const tls::TlsContext& tls, daemon::AuthLimiter& limiter,
             daemon::MailMetrics& metrics, const Logger& log, daemon::ListenerTls mode, std::string session_id, std::unique_ptr<uv::Stream> stream,
             OnDone on_done);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() override;

 private:
  void on_data(std::string_view data);
  void handle(pop3::Output out);
  void start_tls();
  void authenticate(pop3::Authenticate auth);
  void set_reading(bool on);  // paused while an action runs on a pool thread
  // Runs the session's action `work` on a pool thread, then feeds `answer`'s output back.
  template <class T>
  void perform(std::function<T()> work, std::function<pop3::Output(T)> answer);
  void finish(std::string_view reason, const std::string& error = {});
  void touch();

  uv::EventLoop& loop_;
  const Pop3dConfig& cfg_;
  daemon::AuthLimiter& limiter_;
  daemon::MailMetrics& metrics_;
  const Logger& log_;
  daemon::ListenerTls mode_;
  std::string id_;
  OnDone on_done_;
  daemon::ClientStream stream_;
  pop3::Pop3Session session_;
  std::unique_ptr<uv::BlockingWork> work_;  // the action in flight (login, RETR/TOP read, QUIT commit)
  uv::Timer idle_;
  uv::Timer auth_delay_;  // holds a failed login's answer
  bool closing_ = false;
  bool done_ = false;
};

}  // namespace hamail::mailsvc::pop3d
