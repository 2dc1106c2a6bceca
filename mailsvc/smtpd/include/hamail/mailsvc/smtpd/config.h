// smtpd's YAML configuration: the sections every mail daemon has (mail_root, hostname,
// listeners with `role: mx | submission | submissions`, tls; see
// hamail/mailsvc/daemon/daemon_config.h), `limits:` (the client policy and smtpd's own
// limits) and `delivery:`. Strict: unknown keys and bad values are errors naming
// file:line:column and the key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/mailsvc/daemon/daemon_config.h"
#include "hamail/mailsvc/smtp/client_session.h"
#include "hamail/mailsvc/smtp/config.h"
#include "hamail/mailsvc/outbound/mail_resolver.h"
#include "hamail/mailsvc/outbound/next_hop.h"
#include "hamail/mailsvc/outbound/retry_schedule.h"

namespace hamail::mailsvc::smtpd {

// How queued mail leaves: to a relay host or the recipients' MX, with retries.
struct DeliveryConfig {
  std::optional<outbound::NextHop> relay;         // relay_host; absent: MX lookup per domain
  std::optional<outbound::DnsServerOverride> dns_server;  // absent: /etc/resolv.conf
  smtp::ClientTlsPolicy tls = smtp::ClientTlsPolicy::may;
  bool tls_verify = false;                         // tls: verify (encrypt + certificate and name checked)
  std::string tls_ca;                              // for verify; empty: the system's CA store
  outbound::RetryPolicy retry;                     // min/max backoff, queue lifetime
  std::uint64_t connect_timeout_ms = 30000;
  std::uint64_t command_timeout_ms = 300000;       // per reply (RFC 5321 4.5.3.2 suggests 5-10 min)
  std::size_t max_parallel = 20;                   // delivery attempts in flight
  unsigned io_threads = 8;                         // the pool doing fsync, hashing, DNS
};

// The client policy (limits: max_connections 200, idle_timeout 300s, auth_failure_delay,
// allow_plaintext_auth) keeps DaemonConfig's defaults.
struct SmtpdConfig : daemon::DaemonConfig {
  std::uint64_t max_message_size = 35ull << 20;
  std::size_t max_recipients = 100;
  int max_errors = 10;
  std::size_t max_queued = 100000;           // messages in the queue; beyond: 452 4.3.1
  // Free bytes under queue/ below which new mail gets 452 4.3.1; never less than 1.5 x
  // max_message_size (Postfix's rule), plus the message itself.
  std::uint64_t queue_min_free = 0;
  // An authenticated client may only send as its own address or an alias that includes
  // it (Postfix's reject_sender_login_mismatch); else 553 5.7.1 at MAIL FROM.
  bool sender_must_match_login = true;
  DeliveryConfig delivery;

  std::string queue_dir() const { return mail_root + "/queue"; }
};

// smtpd's listener kinds: `role: mx` and `submission` (STARTTLS), `submissions` (implicit TLS).
const daemon::ListenerSchema& smtpd_listeners();
// The role of a listener read with smtpd_listeners().
smtp::PortRole role_of(const daemon::Listener& listener);

// Every error of the file, one per line ("smtpd.yaml:3:7: listeners[0].port: ...").
Result<SmtpdConfig> load_smtpd_config(const std::string& path);
Result<SmtpdConfig> parse_smtpd_config(const std::string& text, const std::string& file);

const char* to_string(smtp::PortRole role);

}  // namespace hamail::mailsvc::smtpd
