// What smtpd does for the SMTP session's actions, without any socket: recipient checks
// and authentication against the user database (re-read each time, so mailsvc-admin
// changes apply at once), queueing an accepted message durably, then local delivery
// into Maildirs with per-recipient progress in the queue, and the startup queue run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hamail/common/log.h"
#include "hamail/mailsvc/smtp/actions.h"
#include "hamail/mailsvc/smtp/config.h"
#include "smtpd/config.h"
#include "smtpd/queue.h"

namespace hamail::mailsvc::smtpd {

struct Accepted {
  smtp::StoreResult result;
  std::optional<QueueEnvelope> queued;  // set when stored: deliver it after the 250 is sent
};

class Mailer {
 public:
  Mailer(const SmtpdConfig& config, const Logger& log) : config_(config), log_(log), queue_(config.queue_dir()) {}

  Status init() const { return queue_.init(); }

  smtp::RecipientVerdict check_recipient(smtp::PortRole role, const smtp::CheckRecipient& c) const;
  smtp::AuthVerdict authenticate(const smtp::Authenticate& a, const std::string& peer) const;
  Accepted accept(smtp::PortRole role, const smtp::MessageComplete& m, const std::string& client_ip);

  // Delivers the pending local recipients; removes the queue files when none is left
  // pending or remote. Failures stay pending (retried at the next queue run).
  void deliver(QueueEnvelope env) const;
  // Startup: removes unacknowledged .msg files, delivers every queued message.
  void run_queue() const;

 private:
  std::string maildir_of(const std::string& address) const;

  const SmtpdConfig& config_;
  const Logger& log_;
  Queue queue_;
  unsigned counter_ = 0;
};

}  // namespace hamail::mailsvc::smtpd
