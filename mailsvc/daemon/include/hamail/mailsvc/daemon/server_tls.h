// A mail daemon's server certificate: tls.cert and tls.key loaded, or at first start
// (both absent) a self-signed pair generated for the host name (missing directories
// created with mode 0700; logged as tls_self_signed_generated). One file without the
// other is an error naming the missing one; nothing is ever overwritten.
#pragma once

#include <string>

#include "hamail/base/log.h"
#include "hamail/base/result.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::daemon {

// Errors start with "tls: " and name the file concerned.
Result<tls::TlsContext> load_server_tls(const TlsFiles& files, const std::string& hostname, const Logger& log);

}  // namespace hamail::mailsvc::daemon
