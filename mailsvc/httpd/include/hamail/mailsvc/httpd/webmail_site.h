// httpd with webmail: the API under /api/ (and the trace page's under /trace/api/) (taken with POST too, answered later: the
// Connection runs WebmailApi's admit / run on the pool / finish) in front of the static
// site that serves the UI. WebmailService is what the connections share.
#pragma once

#include <memory>

#include "hamail/mailsvc/dashboard/dashboard_api.h"
#include "hamail/mailsvc/http/session.h"
#include "hamail/mailsvc/httpd/trace_service.h"
#include "hamail/mailsvc/webmail/webmail_api.h"
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

namespace hamail::mailsvc::httpd {

struct DashboardService;  // dashboard_service.h

struct WebmailService {
  webmail::WebmailApi api;
  std::shared_ptr<webmailbackend::StoreMailAccess> mail;  // shared with pool jobs in flight
  std::shared_ptr<webmail::MailSubmitter> submitter;       // null: no submission: configured
  DashboardService* dashboard = nullptr;                   // with a dashboard: section (/dashboard/api/)
  std::shared_ptr<TraceService> trace;                     // null: no trace: section
};

class WebmailSite : public http::RequestHandler {
 public:
  explicit WebmailSite(http::RequestHandler& files) : files_(files) {}
  http::HttpResponse handle(const http::HttpRequest& request, std::time_t now) override {
    return files_.handle(request, now);
  }
  bool takes_method(const http::HttpRequest& request) const override {
    return is_api(request) || files_.takes_method(request);
  }
  bool answers_later(const http::HttpRequest& request) const override { return is_api(request); }

 private:
  static bool is_api(const http::HttpRequest& r) {
    return r.target.starts_with("/api/") || dashboard::is_dashboard_api(r) ||  // no dashboard: answered 404 later
           traceweb::is_trace_api(r.target);
  }
  http::RequestHandler& files_;
};

}  // namespace hamail::mailsvc::httpd
