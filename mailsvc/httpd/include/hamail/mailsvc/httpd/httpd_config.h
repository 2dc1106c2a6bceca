// httpd.yaml: the account, the document root, the listeners (`tls: none | implicit`, a
// plaintext one may redirect_to_https), the certificate, HSTS, gzip and the limits a
// client is held to (request sizes, header and idle timeouts, connections in all and per
// address). Read strictly: errors name file:line:column and the key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/base/yaml_reader.h"
#include "hamail/mailsvc/daemon/daemon_config.h"
#include "hamail/mailsvc/dashboard/dashboard_settings.h"
#include "hamail/mailsvc/http/request_limits.h"
#include "hamail/mailsvc/httpd/trace_settings.h"

namespace hamail::mailsvc::httpd {

struct HttpListener {
  bool tls = false;                 // `tls: implicit` (HTTPS); `tls: none` is plaintext
  bool redirect_to_https = false;   // plaintext only: every request gets a 301 to https
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;           // 0: a free port (tests)
};

struct HttpLimits {
  http::RequestLimits request;
  std::uint64_t header_timeout_ms = 10000;  // from a request's first byte to its end (slowloris)
  std::uint64_t idle_timeout_ms = 60000;    // between requests
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_ip = 64;
};

// `webmail:` (optional): the API under /api/ over the mail under mail_root (the
// daemons' mail_root: Maildirs and etc/passwd); the UI is the document root's files.
struct WebmailSettings {
  std::string mail_root;  // absolute, required in the section
  std::size_t max_sessions = 10000;
  std::uint64_t session_idle_timeout_ms = 30 * 60 * 1000;
  // Sending (compose): smtpd's submission port, "host:port"; empty: /api/send answers 503.
  std::string submission;
  std::string submission_tls;  // required | opportunistic | none; empty: none on loopback, else required
  std::uint64_t submission_timeout_ms = 60000;
};

struct HttpdConfig {
  std::string user = "www-data";  // the account after binding (never root)
  std::string hostname = "localhost";
  std::string document_root;      // absolute, required
  std::vector<HttpListener> listeners;
  daemon::TlsFiles tls;           // needed with a tls: implicit listener
  std::uint64_t hsts_max_age_s = 31536000;  // Strict-Transport-Security on TLS answers; 0: none
  std::uint16_t https_port = 0;   // in redirects; 0: the first TLS listener's port (else 443)
  std::uint64_t gzip_max_bytes = 1 << 20;
  HttpLimits limits;
  std::optional<WebmailSettings> webmail;
  std::optional<dashboard::DashboardSettings> dashboard;  // dashboard_config.h
  std::optional<TraceSettings> trace;  // trace_settings.h

  bool any_tls() const;
  std::uint16_t redirect_port() const;
};

void read_httpd_config(config::MapReader& top, HttpdConfig& out);
Result<HttpdConfig> parse_httpd_config(const std::string& text, const std::string& file);
Result<HttpdConfig> load_httpd_config(const std::string& path);

}  // namespace hamail::mailsvc::httpd
