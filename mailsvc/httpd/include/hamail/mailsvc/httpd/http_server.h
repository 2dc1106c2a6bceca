// httpd's running parts for one configuration: the document root opened, the certificate
// loaded (for tls: implicit listeners), the handlers (the site; the site with HSTS for
// TLS; the HTTPS redirect), the listeners under daemon::Server with one Connection per
// client, and the per-address connection counts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/tls/tls_context.h"
#include "hamail/mailsvc/daemon/server.h"
#include "hamail/mailsvc/httpd/client_counter.h"
#include "hamail/mailsvc/httpd/dashboard_service.h"
#include "hamail/mailsvc/httpd/https_redirect.h"
#include "hamail/mailsvc/httpd/httpd_config.h"
#include "hamail/mailsvc/httpd/static_site.h"
#include "hamail/mailsvc/httpd/webmail_site.h"

namespace hamail::mailsvc::httpd {

class HttpServer {
 public:
  HttpServer(uv::EventLoop& loop, const Logger& log, const HttpdConfig& config);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // As root, before privileges are dropped: root, certificate, ports.
  Status start();
  std::vector<std::uint16_t> bound_ports() const;

 private:
  http::RequestHandler& handler_for(const daemon::Listener& l);

  uv::EventLoop& loop_;
  const Logger& log_;
  const HttpdConfig& config_;
  std::optional<tls::TlsContext> tls_;
  std::unique_ptr<StaticSite> site_;
  std::unique_ptr<StaticSite> secure_site_;  // the same files, with Strict-Transport-Security
  std::unique_ptr<HttpsRedirect> redirect_;
  std::unique_ptr<WebmailService> webmail_;        // with a webmail: section
  std::unique_ptr<DashboardService> dashboard_;    // with a dashboard: section
  std::unique_ptr<WebmailSite> webmail_site_;      // /api/, then site_
  std::unique_ptr<WebmailSite> webmail_secure_;    // /api/, then secure_site_
  ClientCounter counter_;
  std::unique_ptr<daemon::Server> server_;
};

}  // namespace hamail::mailsvc::httpd
