// The part of the configuration every mail daemon's YAML file has: where the mail lives
// (mail_root), the host name, the listeners, the TLS certificate files and how clients
// are treated (connection cap, idle timeout, failed-login delay, plaintext passwords).
// Read with the strict MapReader: errors name file:line:column and the key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hamail/base/yaml_reader.h"
#include "hamail/mailsvc/daemon/auth_limiter.h"

namespace hamail::mailsvc::daemon {

// How a listener's clients get TLS: on request on a plain connection (STARTTLS, STLS),
// or from the first byte (ports 465, 993, 995).
enum class ListenerTls { starttls, implicit };
const char* to_string(ListenerTls tls);

// How a daemon writes its listeners: the key that names each one's kind ("role" for
// smtpd, "tls" for pop3d) and the kinds it allows, each with its TLS.
struct ListenerSchema {
  struct Kind {
    std::string name;  // "mx", "submissions", "starttls", ...
    ListenerTls tls = ListenerTls::starttls;
  };
  std::string key;
  std::vector<Kind> kinds;
};

// One entry of `listeners:` ({role: mx, address: 0.0.0.0, port: 25}).
struct Listener {
  std::string kind;  // one of the schema's kind names
  ListenerTls tls = ListenerTls::starttls;
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6
  std::uint16_t port = 0;             // 0: a free port chosen at start (tests)
};

struct TlsFiles {
  std::string cert;  // PEM chain; default mail_root/tls/cert.pem
  std::string key;   // PEM private key; default mail_root/tls/key.pem
};

struct ClientPolicy {
  std::size_t max_connections = 200;           // beyond: the daemon's busy reply, then close
  std::uint64_t idle_timeout_ms = 300000;      // a client silent this long is disconnected
  std::uint64_t auth_failure_delay_ms = 2000;  // a failed login is answered this much later (Dovecot: 2 s)
  bool allow_plaintext_auth = false;           // passwords before TLS: tests and trusted networks only
  AuthLimits auth_limits;                      // failed logins per client address / account and window
};

struct DaemonConfig {
  std::string mail_root;  // absolute: etc/ (users db), maildirs/<domain>/<user>/Maildir, tls/
  std::string hostname = "localhost";
  // The account the daemon runs as once its ports are bound (never root): it owns
  // queue/ and maildirs/ and reads etc/ through its group. Debian has `mail`.
  std::string user = "mail";
  std::vector<Listener> listeners;  // at least one
  TlsFiles tls;
  ClientPolicy clients;  // daemons set their own defaults before reading
  // `metrics: {listen: "HOST:PORT"}`: the Prometheus /metrics endpoint; empty: none.
  std::string metrics_listen;

  std::string users_dir() const { return mail_root + "/etc"; }
  std::string maildirs_dir() const { return mail_root + "/maildirs"; }
};

// Reads mail_root (required, absolute), hostname, user (not root), listeners (required, at least one,
// as `schema` says), tls {cert, key} and metrics {listen} (optional; checked with
// metrics::parse_listen_address) from the top-level mapping, then fills the certificate defaults.
void read_daemon_sections(config::MapReader& top, const ListenerSchema& schema, DaemonConfig& out);

// Reads max_connections, idle_timeout, auth_failure_delay, allow_plaintext_auth and the
// failed-login limits (auth_failures_per_ip, auth_failures_per_account, auth_failure_window)
// from `m`: smtpd's `limits:` section, pop3d's top level. Keys absent keep `out`'s defaults.
void read_client_policy(config::MapReader& m, ClientPolicy& out);

}  // namespace hamail::mailsvc::daemon
