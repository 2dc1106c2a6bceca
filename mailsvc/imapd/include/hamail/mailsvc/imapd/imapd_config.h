// imapd.yaml: the sections every mail daemon has (mail_root, hostname, user, listeners
// with `tls: starttls | implicit`, tls files; hamail/mailsvc/daemon/daemon_config.h), the
// client policy at the top level, the autologout before login and imapd's size limits.
// Errors name file:line:column and key.
#pragma once

#include <cstdint>
#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/daemon/daemon_config.h"

namespace hamail::mailsvc::imapd {

struct ImapdConfig : daemon::DaemonConfig {
  ImapdConfig() {
    clients.idle_timeout_ms = 30 * 60 * 1000;  // RFC 3501 5.4: autologout at least 30 minutes once logged in
    clients.max_connections = 1000;
  }
  std::uint64_t login_timeout_ms = 60 * 1000;   // autologout before login (`login_timeout`)
  std::uint64_t max_message_bytes = 64u << 20;  // APPEND's literal and a message file read
  std::uint64_t max_literal_bytes = 64u << 10;  // any other literal
};

// imapd's listener kinds: `tls: starttls` (STARTTLS offered, port 143) and `tls: implicit` (993).
const daemon::ListenerSchema& imapd_listeners();

// Parses YAML text; every error is on its own line ("imapd.yaml:3:7: listeners[0].tls: ...").
Result<ImapdConfig> parse_imapd_config(const std::string& text, const std::string& file_name);
Result<ImapdConfig> load_imapd_config(const std::string& path);

}  // namespace hamail::mailsvc::imapd
