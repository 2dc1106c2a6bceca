// Local delivery of one queued message: each pending recipient's copy goes into its
// Maildir (tmp + fsync + rename; copied from the queue file in 64 KiB pieces, never held
// whole), and its `done` is recorded in the queue before the
// next one (the last one's record is the removal of the files by end_attempt), so a
// crash re-delivers at most the one copy in flight. Blocking: run it on a pool thread.
#pragma once

#include <string>

#include "hamail/base/log.h"
#include "hamail/mailsvc/smtpd/config.h"
#include "hamail/mailsvc/smtpd/queue.h"

namespace hamail::mailsvc::smtpd {

// mail_root/maildirs/<domain>/<local part>/Maildir
std::string maildir_of(const SmtpdConfig& config, const std::string& address);

// Delivers the pending recipients of `env` (updated in place; a failure leaves the
// recipient pending with status 4.3.0 and the error as diagnostic). Returns false when
// the queue itself could not be read or written (the attempt stops there).
bool deliver_local(const SmtpdConfig& config, const Queue& queue, QueueEnvelope& env, const Logger& log);

}  // namespace hamail::mailsvc::smtpd
