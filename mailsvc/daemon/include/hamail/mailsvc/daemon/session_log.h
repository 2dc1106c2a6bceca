// The log records that frame a mailbox daemon's client session (pop3d, imapd):
// session_start when accepted, tls_started, session_end with why it ended. One wording,
// so that the daemons' logs read alike.
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/log.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {

void log_session_start(const Logger& log, std::string_view session, std::string_view peer, ListenerTls mode);
void log_tls_started(const Logger& log, std::string_view session, std::string_view tls_description);
// Info when `error` is empty, else a warning that carries it.
void log_session_end(const Logger& log, std::string_view session, std::string_view peer, std::string_view user,
                     std::string_view reason, const std::string& error);

}  // namespace hamail::mailsvc::daemon
