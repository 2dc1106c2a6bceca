// Answers the POP3 session's Authenticate action: checks the password against the
// user database (mail_root/etc, re-read per attempt so mailsvc-admin changes apply at
// once) and opens + locks the user's maildir, mail_root/maildirs/<domain>/<user>/Maildir.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hamail/base/log.h"
#include "hamail/mailsvc/pop3/actions.h"
#include "hamail/mailsvc/pop3d/pop3d_config.h"
#include "hamail/mailsvc/pop3d/store_maildrop.h"

namespace hamail::mailsvc::pop3d {

pop3::AuthAnswer authenticate(const Pop3dConfig& cfg, const Logger& log, const pop3::Authenticate& request,
                              const std::string& session_id, MaildropCounters counters = {});

}  // namespace hamail::mailsvc::pop3d
