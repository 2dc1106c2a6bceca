// pop3d.yaml: where the mail lives, which ports to listen on (STLS or implicit TLS),
// the certificate (generated self-signed at first start when both files are absent)
// and whether USER/PASS may be used before TLS. Errors name file:line:column and key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::pop3d {

enum class ListenerTls { starttls, implicit };

struct ListenerConfig {
  ListenerTls tls = ListenerTls::starttls;
  std::string address = "127.0.0.1";
  std::uint16_t port = 110;
};

struct Pop3dConfig {
  std::string mail_root;  // users db = mail_root/etc, maildirs = mail_root/maildirs/<domain>/<user>/Maildir
  std::string hostname = "localhost";
  std::vector<ListenerConfig> listeners;
  std::string tls_cert;
  std::string tls_key;
  bool allow_plaintext_auth = false;
  std::uint64_t max_message_bytes = 64u << 20;  // RETR refuses larger files
  std::uint64_t idle_timeout_ms = 600000;       // RFC 1939 autologout: at least 10 minutes
  std::uint64_t auth_failure_delay_ms = 2000;   // a failed login is answered this much later (Dovecot: 2 s)

  std::string users_dir() const { return mail_root + "/etc"; }
};

// Parses YAML text; every error is on its own line ("pop3d.yaml:3:7: listeners[0].tls: ...").
Result<Pop3dConfig> parse_pop3d_config(const std::string& text, const std::string& file_name);
Result<Pop3dConfig> load_pop3d_config(const std::string& path);

}  // namespace hamail::mailsvc::pop3d
