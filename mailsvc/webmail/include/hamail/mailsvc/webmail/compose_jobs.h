// The compose endpoints on the pool: send (build, submit as the user, a copy in Sent, the
// original marked \Answered or $Forwarded, a sent draft removed), save a draft, and the
// prefilled reply/forward. Called by WebmailApi::run; only MailAccess and MailSubmitter.
#pragma once

#include "hamail/mailsvc/webmail/webmail_api.h"

namespace hamail::mailsvc::webmail {

JobOutcome send_job(const MailJob& job, const SendRoute& route, MailAccess& mail, MailSubmitter* submitter);
JobOutcome draft_job(const MailJob& job, const DraftRoute& route, MailAccess& mail);
JobOutcome reply_job(const MailJob& job, const ReplyRoute& route, MailAccess& mail);

}  // namespace hamail::mailsvc::webmail
