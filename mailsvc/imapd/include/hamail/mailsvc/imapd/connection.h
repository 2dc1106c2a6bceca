// One IMAP client connection: the client socket (plain, upgraded by STARTTLS, or implicit
// TLS, optionally DEFLATE-compressed) around an ImapSession. It sends the session's bytes
// and performs its actions: the login and every mailbox command on a pool thread (the
// user's MailboxWorker, one job at a time), IDLE polls every second, the autologout and
// the failed-login delay; on close or when the peer goes away it calls on_done once.
#pragma once

#include <cstddef>
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
#include "hamail/mailsvc/daemon/auth_limiter.h"
#include "hamail/mailsvc/daemon/mail_metrics.h"
#include "hamail/mailsvc/daemon/client_stream.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/imap/session.h"
#include "hamail/mailsvc/imapd/authenticator.h"
#include "hamail/mailsvc/imapd/deflate_stream.h"
#include "hamail/mailsvc/imapd/imapd_config.h"
#include "hamail/mailsvc/imapd/mailbox_watch.h"
#include "hamail/mailsvc/imapworker/mailbox_worker.h"

namespace hamail::mailsvc::imapd {

class Connection : public daemon::Connection {
 public:
  // What a client beyond max_connections is told before the server closes it.
  static constexpr const char* kBusyReply = "* BYE [UNAVAILABLE] Too many connections, try again later\r\n";
  // IDLE: the worker is polled at once when the selected folder changes (MailboxWatch) and
  // every kIdleSafetyPollMs besides; every kIdlePollMs when the folder cannot be watched.
  static constexpr std::uint64_t kIdlePollMs = 1000;
  static constexpr std::uint64_t kIdleSafetyPollMs = 30000;
  // Streamed replies (FETCH): the worker makes an answer in parts (whole messages): a
  // small first one, so the client starts reading early, then kReplyPartBytes each (fewer
  // pool round trips); each part is sent as it comes, and the next is made only while
  // fewer than kWriteQueueBound bytes wait to be sent, else when the socket has taken
  // enough of them.
  static constexpr std::size_t kFirstPartBytes = 16u << 10;
  static constexpr std::size_t kReplyPartBytes = 128u << 10;
  static constexpr std::size_t kWriteQueueBound = 256u << 10;

  // `limiter`: the daemon's failed-login limits, shared by all connections; `metrics`: the
  // daemon's (sessions, logins, messages_retrieved, messages_deleted).
  Connection(uv::EventLoop& loop, const ImapdConfig& cfg, const tls::TlsContext& tls, daemon::AuthLimiter& limiter,
             daemon::MailMetrics& metrics, const Logger& log, daemon::ListenerTls mode, std::string session_id, std::unique_ptr<uv::Stream> stream,
             OnDone on_done);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() override;

 private:
  void on_data(std::string_view data);  // from the socket: compressed once DEFLATE is on
  void inflate_and_feed();              // DEFLATE: inflates while the session takes input
  void handle(imap::Output out);
  void send(std::string bytes);
  void start_tls();
  void start_deflate(std::string compressed_input);
  void check_credentials(imap::CheckCredentials credentials);
  void mailbox_work(imap::MailboxWork work);
  void run_part(std::function<imapworker::MailboxWorker::Part()> job);  // on the pool
  void part_done(imapworker::MailboxWorker::Part part);
  void next_part_if_room();  // after a part was sent and whenever the socket took bytes
  void log_streamed(bool complete);
  void idle_start(imap::SessionFlags flags);
  void idle_poll();
  void idle_changed();  // the watched folder changed
  void idle_stop();     // the timer and the watch
  void idle_end();
  void after_action();  // reading back on (and pending inflated input fed) once the session takes input
  void set_reading(bool on);
  void finish(std::string_view reason, const std::string& error = {});
  void touch();  // restarts the autologout timer

  uv::EventLoop& loop_;
  const ImapdConfig& cfg_;
  daemon::AuthLimiter& limiter_;
  daemon::MailMetrics& metrics_;
  daemon::Counter retrieved_, deleted_;  // metrics_' messages_retrieved, messages_deleted
  const Logger& log_;
  daemon::ListenerTls mode_;
  std::string id_;
  OnDone on_done_;
  daemon::ClientStream stream_;
  imap::ImapSession session_;
  std::string user_;
  std::shared_ptr<imapworker::MailboxWorker> worker_;  // after login; shared with the job using it
  std::unique_ptr<uv::BlockingWork> work_;             // the login or mailbox job in flight (at most one)
  std::unique_ptr<DeflateStream> deflate_;             // after COMPRESS DEFLATE
  uv::Timer autologout_;
  uv::Timer auth_delay_;  // holds a failed login's answer
  uv::Timer idle_timer_;  // IDLE's poll ticks
  std::unique_ptr<MailboxWatch> idle_watch_;  // during IDLE, when the folder could be watched
  bool poll_again_ = false;  // the folder changed while a poll ran
  imap::SessionFlags idle_flags_;
  bool idling_ = false;         // between IdleStart and IdleEnd
  bool poll_running_ = false;   // an IDLE poll is on the pool (work_)
  bool idle_end_waiting_ = false;  // IdleEnd came while a poll ran: answer when it ends
  // The reply being streamed: a part is wanted once the write queue allows it.
  struct Streamed {
    bool active = false;       // parts are being sent, the last one not yet
    bool part_wanted = false;  // made once the write queue is below kWriteQueueBound
    bool waiting = false;      // part_wanted, and the queue was full: on_written will retry
    std::size_t parts = 0, bytes = 0;
    std::size_t waits = 0;       // times a part had to wait for the client
    std::size_t max_queued = 0;  // the write queue's largest size after a part was sent
  };
  Streamed streamed_;
  bool closing_ = false;
  bool done_ = false;
};

}  // namespace hamail::mailsvc::imapd
