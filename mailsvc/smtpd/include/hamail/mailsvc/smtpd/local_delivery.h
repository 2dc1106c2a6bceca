// Local delivery of one queued message: each pending recipient's copy goes into its
// Maildir (tmp + fsync + rename; copied from the queue file in 64 KiB pieces, never held
// whole), and its `done` is recorded in the queue before the
// next one (the last one's record is the removal of the files by end_attempt). Each copy's
// name carries a token of (queue id, recipient), so a copy committed just before a crash
// is found after recovery and not delivered twice. Blocking: run it on a pool thread.
#pragma once

#include <string>

#include "hamail/base/log.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/queue.h"
#include "hamail/mailsvc/smtpd/smtpd_metrics.h"
#include "hamail/mailsvc/smtpd/recovered_deliveries.h"

namespace hamail::mailsvc::smtpd {

// mail_root/maildirs/<domain>/<local part>/Maildir
std::string maildir_of(const SmtpdConfig& config, const std::string& address);

// At recovery: the pending local copies of `env`, which the previous smtpd may have
// committed without recording it, are to be looked for before they are delivered.
void expect_recovered(const SmtpdConfig& config, const QueueEnvelope& env, RecoveredDeliveries& recovered);

// Delivers the pending recipients of `env` (updated in place; a failure leaves the
// recipient pending with status 4.3.0 and the error as diagnostic). Returns false when
// the queue itself could not be read or written (the attempt stops there). A recipient
// `recovered` says is already in its Maildir is marked done without a second copy.
// `counters`: local deliveries delivered and deferred, counted with their records.
bool deliver_local(const SmtpdConfig& config, const Queue& queue, QueueEnvelope& env, RecoveredDeliveries& recovered,
                   const Logger& log, const SmtpdCounters& counters = {});

}  // namespace hamail::mailsvc::smtpd
