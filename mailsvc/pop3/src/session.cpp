#include "hamail/mailsvc/pop3/session.h"

#include <cctype>
#include <charconv>
#include <utility>

#include "hamail/mailsvc/pop3/stuffing.h"
#include "hamail/mailsvc/wire/sasl.h"

namespace hamail::mailsvc::pop3 {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool parse_number(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

constexpr std::string_view kAuthFailed = "[AUTH] Authentication failed";

}  // namespace

Pop3Session::Pop3Session(Pop3Config config) : config_(std::move(config)), tls_active_(config_.implicit_tls) {}

Output Pop3Session::take() {
  Output o = std::move(out_);
  out_ = Output{};
  return o;
}

Output Pop3Session::start() {
  ok(config_.hostname + " hamail POP3 server ready");
  return take();
}

Output Pop3Session::feed(std::string_view bytes) {
  if (state_ == Pop3State::closed) return {};
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
  in_.append(bytes);
  process();
  if (state_ != Pop3State::closed && in_.size() - pos_ > kMaxBufferedInput) {
    out_.bytes += "-ERR [SYS/PERM] Too much pipelined input\r\n";
    close();
  }
  return take();
}

void Pop3Session::process() {
  while (state_ != Pop3State::closed && waiting_ == Waiting::none && pos_ < in_.size()) {
    if (auto line = framer_.push(in_[pos_++])) on_line(*line);
  }
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
}

void Pop3Session::ok(std::string_view text) {
  out_.bytes += "+OK";
  if (!text.empty()) {
    out_.bytes += ' ';
    out_.bytes += text;
  }
  out_.bytes += "\r\n";
}

void Pop3Session::err(std::string_view text) {
  out_.bytes += "-ERR ";
  out_.bytes += text;
  out_.bytes += "\r\n";
  // No unsolicited line follows (POP3 has none): the connection just closes.
  if (++errors_ >= config_.max_errors) close();
}

void Pop3Session::close() {
  state_ = Pop3State::closed;
  waiting_ = Waiting::none;
  out_.close = true;
  in_.clear();
  pos_ = 0;
  maildrop_.reset();  // releases the lock without removing anything
}

void Pop3Session::on_line(const wire::Line& line) {
  if (line.too_long) {
    sasl_pending_ = false;
    return err("Line too long");
  }
  if (sasl_pending_) {
    sasl_pending_ = false;
    return on_sasl_line(line.text);
  }
  on_command(line.text);
}

void Pop3Session::on_command(std::string_view line) {
  auto sp = line.find(' ');
  std::string verb = upper(line.substr(0, sp));
  std::string_view arg = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  if (verb == "CAPA") return cmd_capa();
  if (verb == "QUIT") return cmd_quit();
  if (verb == "NOOP" && state_ == Pop3State::transaction) return ok("");
  if (state_ == Pop3State::authorization) return authorization_command(verb, arg);
  transaction_command(verb, arg);
}

void Pop3Session::cmd_capa() {
  ok("Capability list follows");
  std::string& o = out_.bytes;
  o += "CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n";
  if (state_ == Pop3State::authorization) {
    if (plaintext_allowed()) o += "USER\r\nSASL PLAIN\r\n";
    if (config_.tls_configured && !tls_active_) o += "STLS\r\n";
  }
  o += "IMPLEMENTATION hamail\r\n.\r\n";
}

void Pop3Session::cmd_quit() {
  if (state_ != Pop3State::transaction) {
    ok(config_.hostname + " hamail POP3 server signing off");
    return close();
  }
  state_ = Pop3State::update;
  std::vector<std::size_t> gone;
  for (std::size_t i = 0; i < deleted_.size(); ++i)
    if (deleted_[i]) gone.push_back(i);
  if (gone.empty()) {
    ok(config_.hostname + " hamail POP3 server signing off (0 messages deleted)");
    return close();
  }
  waiting_ = Waiting::commit;
  out_.action = CommitDeletions{std::move(gone)};
}

Output Pop3Session::deletions_committed(Status status) {
  if (waiting_ != Waiting::commit) return {};
  waiting_ = Waiting::none;
  std::size_t n = 0;
  for (bool d : deleted_) n += d ? 1 : 0;
  if (status.is_ok()) {
    ok(config_.hostname + " hamail POP3 server signing off (" + std::to_string(n) + " messages deleted)");
  } else {
    out_.bytes += "-ERR [SYS/TEMP] Some deleted messages not removed: " + status.message() + "\r\n";
  }
  close();
  return take();
}

void Pop3Session::authorization_command(const std::string& verb, std::string_view arg) {
  if (verb == "STLS") {
    if (!arg.empty()) return err("Syntax: STLS");
    if (tls_active_) return err("TLS already active");
    if (!config_.tls_configured) return err("STLS not available");
    ok("Begin TLS negotiation");
    // Anything pipelined after STLS was sent in clear text: drop it.
    in_.clear();
    pos_ = 0;
    framer_.reset();
    waiting_ = Waiting::tls;
    out_.action = StartTls{};
    return;
  }
  if (verb == "USER") {
    if (!plaintext_allowed()) return err("[AUTH] Plaintext authentication disallowed without TLS: use STLS first");
    if (arg.empty()) return err("Syntax: USER name");
    pending_user_ = std::string(arg);
    return ok("Send PASS");
  }
  if (verb == "PASS") {
    if (!plaintext_allowed()) return err("[AUTH] Plaintext authentication disallowed without TLS: use STLS first");
    if (pending_user_.empty()) return err("Send USER first");
    if (arg.empty()) return err("Syntax: PASS password");
    auth_user_ = std::move(pending_user_);
    pending_user_.clear();
    waiting_ = Waiting::auth;
    out_.action = Authenticate{"USER", auth_user_, std::string(arg)};
    return;
  }
  if (verb == "AUTH") return cmd_auth(arg);
  if (verb == "STAT" || verb == "LIST" || verb == "RETR" || verb == "DELE" || verb == "RSET" || verb == "TOP" ||
      verb == "UIDL" || verb == "NOOP")
    return err("Command not valid before login");
  err("Unknown command");
}

void Pop3Session::cmd_auth(std::string_view arg) {
  if (arg.empty()) {  // RFC 5034 4: list the mechanisms
    ok("");
    out_.bytes += plaintext_allowed() ? "PLAIN\r\n.\r\n" : ".\r\n";
    return;
  }
  auto sp = arg.find(' ');
  std::string mech = upper(arg.substr(0, sp));
  if (mech != "PLAIN") return err("Unsupported authentication mechanism");
  if (!plaintext_allowed()) return err("[AUTH] Plaintext authentication disallowed without TLS: use STLS first");
  if (sp == std::string_view::npos) {
    sasl_pending_ = true;
    out_.bytes += "+ \r\n";
    return;
  }
  std::string_view initial = arg.substr(sp + 1);
  if (initial.empty() || initial.find(' ') != std::string_view::npos)
    return err("Syntax: AUTH mechanism [initial-response]");
  on_sasl_line(initial);
}

void Pop3Session::on_sasl_line(std::string_view line) {
  auto decoded = wire::decode_sasl_response(line);
  if (std::holds_alternative<wire::SaslCancelled>(decoded)) return err("Authentication cancelled");
  if (std::holds_alternative<wire::SaslBadEncoding>(decoded)) return err("Invalid base64 in response");
  sasl_plain(std::get<std::string>(decoded));
}

void Pop3Session::sasl_plain(const std::string& decoded) {
  auto creds = wire::parse_sasl_plain(decoded);
  if (!creds) return err("Invalid PLAIN response");
  // Acting for another identity is not supported: the same reply as a wrong password.
  if (!creds->authzid.empty() && creds->authzid != creds->user) return err(kAuthFailed);
  auth_user_ = creds->user;
  waiting_ = Waiting::auth;
  out_.action = Authenticate{"PLAIN", creds->user, creds->password};
}

Output Pop3Session::tls_started() {
  if (waiting_ != Waiting::tls) return {};
  waiting_ = Waiting::none;
  tls_active_ = true;
  pending_user_.clear();  // RFC 2595 4: forget what was learnt before TLS
  process();
  return take();
}

Output Pop3Session::auth_result(AuthAnswer answer) {
  if (waiting_ != Waiting::auth) return {};
  waiting_ = Waiting::none;
  if (answer.kind == AuthAnswer::Kind::ok && !answer.maildrop) answer.kind = AuthAnswer::Kind::temporary_failure;
  switch (answer.kind) {
    case AuthAnswer::Kind::ok:
      maildrop_ = std::move(answer.maildrop);
      deleted_.assign(maildrop_->messages().size(), false);
      user_ = std::move(auth_user_);
      state_ = Pop3State::transaction;
      ok("Logged in: " + std::to_string(live_count()) + " messages (" + std::to_string(live_octets()) + " octets)");
      break;
    case AuthAnswer::Kind::bad_credentials:
      err(kAuthFailed);
      break;
    case AuthAnswer::Kind::locked:
      err("[IN-USE] maildrop already locked: another POP3 session is using it");
      break;
    case AuthAnswer::Kind::temporary_failure:
      err("[SYS/TEMP] Temporary failure, try again later");
      break;
    case AuthAnswer::Kind::rate_limited:
      err("[SYS/TEMP] Too many failed logins, try again later");
      break;
  }
  auth_user_.clear();
  process();
  return take();
}

std::size_t Pop3Session::live_count() const {
  std::size_t n = 0;
  for (bool d : deleted_) n += d ? 0 : 1;
  return n;
}

std::uint64_t Pop3Session::live_octets() const {
  std::uint64_t n = 0;
  const auto& msgs = maildrop_->messages();
  for (std::size_t i = 0; i < msgs.size(); ++i)
    if (!deleted_[i]) n += msgs[i].size;
  return n;
}

std::optional<std::size_t> Pop3Session::message_arg(std::string_view arg) {
  std::uint64_t n = 0;
  if (!parse_number(arg, n)) {
    err("Syntax: message number expected");
    return std::nullopt;
  }
  if (n == 0 || n > deleted_.size()) {
    err("No such message");
    return std::nullopt;
  }
  if (deleted_[n - 1]) {
    err("Message " + std::to_string(n) + " is deleted");
    return std::nullopt;
  }
  return static_cast<std::size_t>(n - 1);
}

void Pop3Session::send_message(std::size_t index, std::optional<std::uint64_t> top_lines) {
  pending_top_ = top_lines;
  pending_index_ = index;
  waiting_ = Waiting::read;
  out_.action = ReadMessage{index};
}

Output Pop3Session::message_read(Result<std::string> body) {
  if (waiting_ != Waiting::read) return {};
  waiting_ = Waiting::none;
  if (!body) {
    err("[SYS/TEMP] Cannot read message: " + body.error());
  } else {
    if (pending_top_) ok("");
    else ok(std::to_string(maildrop_->messages()[pending_index_].size) + " octets");
    out_.bytes += dot_stuff(*body, pending_top_);
    out_.bytes += ".\r\n";
  }
  process();
  return take();
}

void Pop3Session::transaction_command(const std::string& verb, std::string_view arg) {
  const auto& msgs = maildrop_->messages();
  if (verb == "STAT") {
    if (!arg.empty()) return err("Syntax: STAT");
    return ok(std::to_string(live_count()) + " " + std::to_string(live_octets()));
  }
  if (verb == "LIST" || verb == "UIDL") {
    bool list = verb == "LIST";
    if (!arg.empty()) {
      auto i = message_arg(arg);
      if (!i) return;
      return ok(std::to_string(*i + 1) + " " + (list ? std::to_string(msgs[*i].size) : msgs[*i].uidl));
    }
    if (list) ok(std::to_string(live_count()) + " messages (" + std::to_string(live_octets()) + " octets)");
    else ok("");
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      if (deleted_[i]) continue;
      out_.bytes += std::to_string(i + 1) + " " + (list ? std::to_string(msgs[i].size) : msgs[i].uidl) + "\r\n";
    }
    out_.bytes += ".\r\n";
    return;
  }
  if (verb == "RETR") {
    auto i = message_arg(arg);
    if (i) send_message(*i, std::nullopt);
    return;
  }
  if (verb == "TOP") {
    auto sp = arg.find(' ');
    std::uint64_t lines = 0;
    if (sp == std::string_view::npos || !parse_number(arg.substr(sp + 1), lines))
      return err("Syntax: TOP message lines");
    auto i = message_arg(arg.substr(0, sp));
    if (i) send_message(*i, lines);
    return;
  }
  if (verb == "DELE") {
    auto i = message_arg(arg);
    if (!i) return;
    deleted_[*i] = true;
    return ok("Message " + std::to_string(*i + 1) + " deleted");
  }
  if (verb == "RSET") {
    if (!arg.empty()) return err("Syntax: RSET");
    deleted_.assign(deleted_.size(), false);
    return ok("maildrop has " + std::to_string(live_count()) + " messages (" + std::to_string(live_octets()) +
              " octets)");
  }
  if (verb == "USER" || verb == "PASS" || verb == "AUTH" || verb == "STLS") return err("Already logged in");
  err("Unknown command");
}

}  // namespace hamail::mailsvc::pop3
