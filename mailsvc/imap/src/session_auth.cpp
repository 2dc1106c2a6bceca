// ImapSession before login: STARTTLS, LOGIN, AUTHENTICATE PLAIN (SASL-IR or one "+ "
// continuation), the credentials round trip and the failed-login count.
#include <utility>
#include <variant>

#include "hamail/mailsvc/imap/session.h"
#include "hamail/mailsvc/wire/sasl.h"

namespace hamail::mailsvc::imap {
namespace {

constexpr std::string_view kPrivacyRequired =
    "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connection: use STARTTLS first";

}  // namespace

void ImapSession::cmd_starttls(const std::string& tag) {
  if (tls_active_) return bad(tag, "TLS is already active");
  if (state_ != ImapState::not_authenticated) return bad(tag, "STARTTLS is only valid before login");
  if (!config_.tls_configured) return bad(tag, "STARTTLS is not available");
  ok(tag, "Begin TLS negotiation now");
  take_remaining_input(nullptr);  // pipelined in clear: dropped
  pending_ = Pending::tls;
  act(TlsHandshake{});
}

Output ImapSession::tls_started() {
  if (pending_ != Pending::tls) return {};
  pending_ = Pending::none;
  tls_active_ = true;
  return take();
}

void ImapSession::cmd_login(const std::string& tag, Login& login) {
  if (!plaintext_allowed()) return no(tag, kPrivacyRequired);
  check_credentials(tag, CheckCredentials{"LOGIN", std::move(login.user), std::move(login.password), {}});
}

void ImapSession::cmd_authenticate(const std::string& tag, const Authenticate& authenticate) {
  if (authenticate.mechanism != "PLAIN") return no(tag, "Unsupported authentication mechanism");
  if (!plaintext_allowed()) return no(tag, kPrivacyRequired);
  if (authenticate.initial_response) return sasl_response(tag, *authenticate.initial_response);
  pending_tag_ = tag;
  phase_ = Phase::sasl;
  reader_.set_mode(ReaderMode::line);
  send("+ ");
}

void ImapSession::on_sasl_line(std::string_view line) {
  phase_ = Phase::command;
  reader_.set_mode(ReaderMode::command);
  sasl_response(pending_tag_, line);
}

void ImapSession::sasl_response(const std::string& tag, std::string_view base64) {
  auto decoded = wire::decode_sasl_response(base64);
  if (std::holds_alternative<wire::SaslCancelled>(decoded)) return bad(tag, "Authentication cancelled");
  if (std::holds_alternative<wire::SaslBadEncoding>(decoded)) return bad(tag, "Invalid base64 data in response");
  auto credentials = wire::parse_sasl_plain(std::get<std::string>(decoded));
  if (!credentials) return auth_failed(tag);
  // Acting for another identity is not supported: the same reply as a wrong password.
  if (!credentials->authzid.empty() && credentials->authzid != credentials->user) return auth_failed(tag);
  check_credentials(tag, CheckCredentials{"PLAIN", std::move(credentials->user), std::move(credentials->password),
                                          std::move(credentials->authzid)});
}

void ImapSession::check_credentials(const std::string& tag, CheckCredentials credentials) {
  pending_ = Pending::auth;
  pending_tag_ = tag;
  pending_user_ = credentials.user;
  act(std::move(credentials));
}

Output ImapSession::auth_result(AuthResult result) {
  if (pending_ != Pending::auth) return {};
  pending_ = Pending::none;
  switch (result) {
    case AuthResult::ok:
      state_ = ImapState::authenticated;
      user_ = std::move(pending_user_);
      // RFC 9051 7.1: the new capabilities in the tagged OK, so the client need not ask.
      ok(pending_tag_, "[CAPABILITY " + capabilities() + "] Logged in");
      break;
    case AuthResult::failed:
      auth_failed(pending_tag_);
      break;
    case AuthResult::temporary_failure:
      no(pending_tag_, "[UNAVAILABLE] Temporary authentication failure, try again later");
      break;
  }
  pending_user_.clear();
  process();
  return take();
}

void ImapSession::auth_failed(const std::string& tag) {
  no(tag, "[AUTHENTICATIONFAILED] Authentication failed");
  if (++auth_failures_ >= config_.max_auth_failures) {
    send("* BYE Too many failed authentication attempts");
    close();
  }
}

}  // namespace hamail::mailsvc::imap
