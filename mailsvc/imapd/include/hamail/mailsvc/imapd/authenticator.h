// Answers the IMAP session's CheckCredentials (runs on a pool thread): the password
// against the user database (mail_root/etc, re-read per attempt so mailsvc-admin changes
// apply at once), then the user's Maildir (created when missing) for the MailboxWorker.
#pragma once

#include <string>

#include "hamail/base/log.h"
#include "hamail/mailsvc/imap/actions.h"
#include "hamail/mailsvc/imapd/imapd_config.h"

namespace hamail::mailsvc::imapd {

struct Login {
  imap::AuthResult result = imap::AuthResult::temporary_failure;
  std::string user;     // lower-cased, when ok
  std::string maildir;  // mail_root/maildirs/<domain>/<local>/Maildir, when ok
};

Login check_credentials(const ImapdConfig& cfg, const Logger& log, const imap::CheckCredentials& request,
                        const std::string& session_id);

}  // namespace hamail::mailsvc::imapd
