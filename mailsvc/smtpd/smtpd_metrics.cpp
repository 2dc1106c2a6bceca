#include "hamail/mailsvc/smtpd/smtpd_metrics.h"

namespace hamail::mailsvc::smtpd {

void declare_smtpd_metrics(daemon::MailMetrics& m) {
  m.add_counter("messages_accepted", "Messages accepted from clients: stored in the queue, then 250 (queued records).");
  m.add_counter("rejected",
                "Refusals: RCPT (recipient, relay), MAIL FROM (sender), a message (size, loop) or DATA "
                "(queue_full, error).",
                {"reason"},
                {{"recipient"}, {"relay"}, {"sender"}, {"size"}, {"loop"}, {"queue_full"}, {"error"}});
  m.add_counter("deliveries",
                "Delivery outcomes per recipient and attempt: delivered, deferred (retried) or failed (bounced), "
                "into a local Maildir or to a remote server.",
                {"destination", "result"},
                {{"local", "delivered"}, {"local", "deferred"}, {"remote", "delivered"}, {"remote", "deferred"},
                 {"remote", "failed"}});
  m.add_counter("bounced", "Recipients reported to the sender in a delivery status notification (bounced records).");
}

SmtpdCounters smtpd_counters(const daemon::MailMetrics& m) {
  SmtpdCounters c;
  c.accepted = m.counter("messages_accepted");
  c.rejected_recipient = m.counter("rejected", {"recipient"});
  c.rejected_relay = m.counter("rejected", {"relay"});
  c.rejected_sender = m.counter("rejected", {"sender"});
  c.rejected_size = m.counter("rejected", {"size"});
  c.rejected_loop = m.counter("rejected", {"loop"});
  c.rejected_queue_full = m.counter("rejected", {"queue_full"});
  c.rejected_error = m.counter("rejected", {"error"});
  c.delivered_local = m.counter("deliveries", {"local", "delivered"});
  c.deferred_local = m.counter("deliveries", {"local", "deferred"});
  c.delivered_remote = m.counter("deliveries", {"remote", "delivered"});
  c.deferred_remote = m.counter("deliveries", {"remote", "deferred"});
  c.failed_remote = m.counter("deliveries", {"remote", "failed"});
  c.bounced = m.counter("bounced");
  return c;
}

}  // namespace hamail::mailsvc::smtpd
