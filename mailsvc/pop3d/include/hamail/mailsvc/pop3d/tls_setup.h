// The server certificate: loads tls.cert / tls.key, or at first start (both absent)
// generates a self-signed pair for the hostname and logs that. One file without the
// other is an error naming the missing one (never overwritten).
#pragma once

#include "hamail/base/log.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/pop3d/pop3d_config.h"

namespace hamail::mailsvc::pop3d {

Result<tls::TlsContext> load_or_generate_tls(const Pop3dConfig& cfg, const Logger& log);

}  // namespace hamail::mailsvc::pop3d
