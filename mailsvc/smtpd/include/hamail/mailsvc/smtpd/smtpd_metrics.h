// smtpd's Prometheus metrics: daemon::MailMetrics (sessions, logins) plus smtpd's own
// families, and the counter handles the places that log these events count with (the
// connection, the Mailer and the delivery code, on the loop or on the pool).
#pragma once

#include "hamail/mailsvc/daemon/mail_metrics.h"

namespace hamail::mailsvc::smtpd {

// The label values of hamail_smtpd_rejected_total{reason}: what was refused and why.
//   recipient  RCPT, no such local user (recipient_rejected reason=unknown_user)
//   relay      RCPT, a remote domain without authenticated submission (reason=relay_denied)
//   sender     MAIL FROM not the login's (sender_rejected)
//   size       the message grew past limits.max_message_size (message_rejected reason=size)
//   loop       too many Received fields (too_many_hops)
//   queue_full limits.max_queued or the free-space floor reached (queue_full)
//   error      the queue or the user database failed (queue_failed, routing_failed)
struct SmtpdCounters {
  daemon::Counter accepted;
  daemon::Counter rejected_recipient, rejected_relay, rejected_sender, rejected_size, rejected_loop,
      rejected_queue_full, rejected_error;
  daemon::Counter delivered_local, delivered_remote, deferred_local, deferred_remote, failed_remote;
  daemon::Counter bounced;
};

// smtpd's counter families declared in `metrics` (made with smtpd's listener kinds: mx,
// submission, submissions); the queue gauge is added by main() once the QueueRunner exists.
void declare_smtpd_metrics(daemon::MailMetrics& metrics);
SmtpdCounters smtpd_counters(const daemon::MailMetrics& metrics);

}  // namespace hamail::mailsvc::smtpd
