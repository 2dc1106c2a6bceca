// pop3d.yaml: the sections every mail daemon has (mail_root, hostname, listeners with
// `tls: starttls | implicit`, tls files; see hamail/mailsvc/daemon/daemon_config.h), the
// client policy at the top level (allow_plaintext_auth, idle_timeout, auth_failure_delay,
// max_connections) and the largest message RETR sends. Errors name file:line:column and key.
#pragma once

#include <cstdint>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::pop3d {

struct Pop3dConfig : daemon::DaemonConfig {
  Pop3dConfig() {
    clients.idle_timeout_ms = 600000;  // RFC 1939 autologout: at least 10 minutes
    clients.max_connections = 1000;    // as Dovecot's default client_limit
  }
  std::uint64_t max_message_bytes = 64u << 20;  // RETR refuses larger files
};

// pop3d's listener kinds: `tls: starttls` (STLS offered, port 110) and `tls: implicit` (995).
const daemon::ListenerSchema& pop3d_listeners();

// Parses YAML text; every error is on its own line ("pop3d.yaml:3:7: listeners[0].tls: ...").
Result<Pop3dConfig> parse_pop3d_config(const std::string& text, const std::string& file_name);
Result<Pop3dConfig> load_pop3d_config(const std::string& path);

}  // namespace hamail::mailsvc::pop3d
