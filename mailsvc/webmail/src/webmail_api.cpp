#include "hamail/mailsvc/webmail/webmail_api.h"

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/api_views.h"
#include "hamail/mailsvc/webmail/compose_jobs.h"
#include "hamail/mailsvc/webmail/cookie.h"
#include "hamail/mailsvc/webmail/mail_html.h"
#include "hamail/mailsvc/webmail/message_search.h"
#include "hamail/mailsvc/webmail/thread_list.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;
using http::Status;

http::HttpResponse route_error(const RouteError& e) {
  Status s = e.status == 400 ? Status::bad_request : e.status == 405 ? Status::method_not_allowed : Status::not_found;
  return json_error(s, e.message);
}

http::HttpResponse store_error() { return json_error(Status::internal_server_error, "mail store error"); }
http::HttpResponse not_found() { return json_error(Status::not_found, "no such folder or message"); }
http::HttpResponse done() { return json_response(json{{"ok", true}}); }

http::HttpResponse answer_bool(const Result<bool>& r) {
  if (!r) return store_error();
  return *r ? done() : not_found();
}

// One route on the pool.
struct Runner {
  const MailJob& job;
  MailAccess& mail;
  MailSubmitter* submitter;

  JobOutcome operator()(const LoginRoute& r) {
    Result<bool> ok = mail.verify_login(r.user, r.password);
    if (!ok) return store_error();
    return LoginOutcome{r.user, *ok};
  }
  JobOutcome operator()(const LogoutRoute&) { return store_error(); }   // answered in admit()
  JobOutcome operator()(const SessionRoute&) { return store_error(); }  // answered in admit()
  JobOutcome operator()(const FoldersRoute&) {
    auto f = mail.folders(job.user);
    if (!f) return store_error();
    return json_response(folders_json(*f));
  }
  JobOutcome operator()(const MessagesRoute& r) {
    if (r.threads) return run_thread_list(job.user, r, mail);
    auto m = mail.messages(job.user, r.folder);
    if (!m) return store_error();
    if (!*m) return not_found();
    return json_response(message_list_json(**m, r));
  }
  JobOutcome operator()(const SearchRoute& r) {
    if (r.scope != SearchScope::from_subject) return run_message_search(job.user, r, mail);
    auto m = mail.messages(job.user, r.page.folder);
    if (!m) return store_error();
    if (!*m) return not_found();
    return json_response(message_list_json(matching(**m, r.query), r.page));
  }
  JobOutcome operator()(const MessageRoute& r) {
    auto m = mail.message(job.user, r.folder, r.uid);
    if (!m) return store_error();
    if (!*m) return not_found();
    return json_response(message_json(**m));
  }
  JobOutcome operator()(const HtmlRoute& r) {
    auto m = mail.message(job.user, r.folder, r.uid);
    if (!m) return store_error();
    if (!*m || !(*m)->html_body) return not_found();
    return mail_html_response(**m, r.remote_images);
  }
  JobOutcome operator()(const PartRoute& r) {
    auto a = mail.attachment(job.user, r.folder, r.uid, r.part);
    if (!a) return store_error();
    if (!*a) return not_found();
    return attachment_response(**a);
  }
  JobOutcome operator()(const FlagRoute& r) {
    for (auto [value, flag] : {std::pair{r.seen, "\\Seen"}, std::pair{r.flagged, "\\Flagged"}}) {
      if (!value) continue;
      Result<bool> ok = mail.set_flag(job.user, r.folder, r.uid, flag, *value ? FlagChange::set : FlagChange::clear);
      if (!ok || !*ok) return answer_bool(ok);
    }
    return done();
  }
  JobOutcome operator()(const MoveRoute& r) { return answer_bool(mail.move(job.user, r.folder, r.uids, r.to)); }
  JobOutcome operator()(const ThreadRoute& r) { return run_thread(job.user, r, mail); }
  JobOutcome operator()(const DeleteRoute& r) { return answer_bool(mail.remove(job.user, r.folder, r.uids)); }
  JobOutcome operator()(const SendRoute& r) { return send_job(job, r, mail, submitter); }
  JobOutcome operator()(const DraftRoute& r) { return draft_job(job, r, mail); }
  JobOutcome operator()(const ReplyRoute& r) { return reply_job(job, r, mail); }
};

}  // namespace

std::variant<http::HttpResponse, MailJob> WebmailApi::admit(const http::HttpRequest& request,
                                                            const RequestContext& ctx) {
  std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
  if (path == "/api/login") {
    if (auto refusal = refuse_login_request(request, ctx.tls)) return *refusal;
    if (LoginGate g = limiter_.check(ctx.peer, ctx.now_ms); !g.allowed) {
      http::HttpResponse r = json_error(Status::too_many_requests, "too many failed logins, try later");
      r.add("Retry-After", std::to_string((g.retry_after_ms + 999) / 1000));
      return r;
    }
    auto route = parse_api_route(request);
    if (auto* e = std::get_if<RouteError>(&route)) return route_error(*e);
    return MailJob{"", ctx.peer, std::get<ApiRoute>(std::move(route)), {}, ctx.now_ms, {}};
  }
  GateResult gate = admit_api_request(request, ctx.tls, sessions_, ctx.now_ms);
  if (auto* refusal = std::get_if<http::HttpResponse>(&gate)) return std::move(*refusal);
  const WebSession* session = std::get<const WebSession*>(gate);
  auto parsed = parse_api_route(request);
  if (auto* e = std::get_if<RouteError>(&parsed)) return route_error(*e);
  ApiRoute route = std::get<ApiRoute>(std::move(parsed));
  if (std::holds_alternative<LogoutRoute>(route)) {
    (void)sessions_.close(session->id);
    http::HttpResponse r = done();
    r.add("Set-Cookie", clear_session_cookie());
    return r;
  }
  if (std::holds_alternative<SessionRoute>(route))
    return json_response(json{{"user", session->user}, {"csrf_token", session->csrf_token}});
  MailJob job{session->user, ctx.peer, std::move(route), {}, ctx.now_ms, {}};
  if (std::holds_alternative<SendRoute>(job.route) || std::holds_alternative<DraftRoute>(job.route)) {
    job.password = session->password;
    job.unique = hex_token(random_());
  }
  return job;
}

JobOutcome WebmailApi::run(const MailJob& job, MailAccess& mail, MailSubmitter* submitter) {
  return std::visit(Runner{job, mail, submitter}, job.route);
}

ApiReply WebmailApi::finish(const MailJob& job, JobOutcome outcome, const RequestContext& ctx) {
  if (auto* r = std::get_if<http::HttpResponse>(&outcome)) return ApiReply{std::move(*r), 0};
  const LoginOutcome& login = std::get<LoginOutcome>(outcome);
  if (!login.accepted) {
    std::int64_t delay = limiter_.record_failure(ctx.peer, ctx.now_ms);
    return ApiReply{json_error(Status::unauthorized, "wrong user or password"), delay};
  }
  limiter_.record_success(ctx.peer);
  const auto* route = std::get_if<LoginRoute>(&job.route);
  SecretText password(route ? route->password : std::string());
  Result<WebSession> s = sessions_.open(login.user, random_(), random_(), ctx.now_ms, std::move(password));
  if (!s) return ApiReply{json_error(Status::service_unavailable, "too many sessions, try later"), 0};
  http::HttpResponse r = json_response(json{{"user", s->user}, {"csrf_token", s->csrf_token}});
  r.add("Set-Cookie", session_cookie(s->id, sessions_.limits().max_lifetime_ms / 1000));
  return ApiReply{std::move(r), 0};
}

}  // namespace hamail::mailsvc::webmail
