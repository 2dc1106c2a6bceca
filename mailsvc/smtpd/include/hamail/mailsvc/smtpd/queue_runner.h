// The queue manager: every queued message gets delivery attempts (local Maildirs on a
// pool thread, remote recipients over SMTP) until each recipient is delivered or has
// failed; deferred ones are retried with exponential backoff, failures and recipients
// still undelivered at the end of the queue lifetime are bounced to the sender (DSN).
// Loop-thread object: it owns the in-memory schedule; the files are the truth.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/uv/blocking_work.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/timer.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/mailer.h"
#include "hamail/mailsvc/smtpd/queue.h"
#include "hamail/mailsvc/smtpd/recovered_deliveries.h"
#include "hamail/mailsvc/smtpd/remote_delivery.h"

namespace hamail::mailsvc::smtpd {

// The end of one attempt, on a pool thread: recipients past the queue lifetime fail
// (4.4.7), failed ones are bounced to the sender (one DSN, queued as `bounce_id`; none
// for the null sender), the envelope is rewritten, or the files removed when no
// recipient is left. Returns the updated envelope and the queued bounce, if any.
struct AttemptEnd {
  QueueEnvelope env;
  bool removed = false;
  std::optional<QueueEnvelope> bounce;
};
AttemptEnd end_attempt(const SmtpdConfig& config, const Mailer& mailer, QueueEnvelope env, std::int64_t now,
                       const std::string& bounce_id, const Logger& log);

// What the local phase of an attempt hands back to the loop.
class QueueRunner {
 public:
  QueueRunner(uv::EventLoop& loop, const SmtpdConfig& config, const Mailer& mailer, tls::TlsContext client_tls,
              const Logger& log);
  QueueRunner(const QueueRunner&) = delete;
  QueueRunner& operator=(const QueueRunner&) = delete;

  // Crash and failover recovery: removes the temporaries a crash left (messages being
  // received, never acknowledged; envelopes being rewritten) and the envelopes a removal
  // left without their .msg, loads every envelope and schedules them all at once; their
  // pending local copies are looked for in the Maildirs first (RecoveredDeliveries).
  // Blocking, on the loop thread, before the loop serves the (already bound) listeners.
  void recover();
  // A message just acknowledged with 250: its first attempt starts now.
  void submit(QueueEnvelope env);
  // Every waiting message is attempted now, whatever its backoff (SIGUSR1, postqueue -f).
  void flush();
  // A fresh queue id (loop thread only).
  std::string next_queue_id() { return new_queue_id(++counter_); }

  std::size_t queued() const { return entries_.size(); }
  // The sum of the queued messages' sizes (QueueEnvelope::message_bytes).
  std::uint64_t queued_bytes() const { return queued_bytes_; }
  std::size_t max_queued() const { return config_.max_queued; }  // new mail beyond it: 452 4.3.1

 private:
  struct Entry {
    QueueEnvelope env;
    std::uint64_t due_ms = 0;
    bool busy = false;
    std::string message;  // read for the remote phase only
    std::unique_ptr<uv::BlockingWork> work;
    std::vector<std::unique_ptr<RemoteDelivery>> remote;
    std::size_t remote_left = 0;
  };
  struct LocalPhase;

  void pump();
  void begin(const std::string& id);
  void local_done(const std::string& id, LocalPhase phase);
  void ended(const std::string& id, AttemptEnd end);
  void remote_done(const std::string& id, std::vector<std::size_t> recipients, RemoteOutcome outcome);
  void finish(const std::string& id);
  void fail_attempt(const std::string& id, const std::string& why);

  uv::EventLoop& loop_;
  const SmtpdConfig& config_;
  const Mailer& mailer_;
  tls::TlsContext client_tls_;
  const Logger& log_;
  std::shared_ptr<RecoveredDeliveries> recovered_;  // shared with the pool work asking it
  std::map<std::string, Entry> entries_;
  std::uint64_t queued_bytes_ = 0;  // of entries_, kept with it
  std::size_t busy_ = 0;
  uv::Timer tick_;
  unsigned counter_ = 0;
};

}  // namespace hamail::mailsvc::smtpd
