// webmail's /api/ in three steps so that no mailbox work runs on the loop: admit() on the
// loop (gate, route, login throttle, session answers) -> an answer now or a MailJob;
// run() on the pool (MailAccess only, no shared state) -> a JobOutcome; finish() on the
// loop (a login opens its session, a failure is counted and delayed) -> the answer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "hamail/mailsvc/http/request.h"
#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/login_limiter.h"
#include "hamail/mailsvc/webmail/mail_access.h"
#include "hamail/mailsvc/webmail/mail_submitter.h"
#include "hamail/mailsvc/webmail/session_table.h"

namespace hamail::mailsvc::webmail {

// One request for the pool: the route and whose mail (empty user for a login).
struct MailJob {
  std::string user;
  std::string peer;  // the client address (login throttling)
  ApiRoute route;
  // Compose only (send, drafts): the session's password for AUTH, the time and a random
  // token for Date, Message-ID and the MIME boundary (the core has no clock or randomness).
  SecretText password;
  std::int64_t now_ms = 0;
  std::string unique;
};

struct LoginOutcome {
  std::string user;
  bool accepted = false;
};
using JobOutcome = std::variant<http::HttpResponse, LoginOutcome>;

// An answer and how long the shell holds it back (after a failed login).
struct ApiReply {
  http::HttpResponse response;
  std::int64_t delay_ms = 0;
};

struct RequestContext {
  bool tls = false;
  std::string peer;
  std::int64_t now_ms = 0;
};

class WebmailApi {
 public:
  WebmailApi(SessionLimits sessions, LoginLimits logins, std::function<SecretBytes()> random)
      : sessions_(sessions), limiter_(logins), random_(std::move(random)) {}

  // On the loop.
  std::variant<http::HttpResponse, MailJob> admit(const http::HttpRequest& request, const RequestContext& ctx);
  // On the pool: touches nothing but `mail` and the job.
  // `submitter`: smtpd's submission port; null when not configured (send answers 503).
  static JobOutcome run(const MailJob& job, MailAccess& mail, MailSubmitter* submitter = nullptr);
  // On the loop.
  ApiReply finish(const MailJob& job, JobOutcome outcome, const RequestContext& ctx);

  SessionTable& sessions() { return sessions_; }
  LoginLimiter& limiter() { return limiter_; }

 private:
  SessionTable sessions_;
  LoginLimiter limiter_;
  std::function<SecretBytes()> random_;
};

}  // namespace hamail::mailsvc::webmail
