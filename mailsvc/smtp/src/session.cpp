#include "hamail/mailsvc/smtp/session.h"

#include <cctype>
#include <utility>

#include "hamail/mailsvc/smtp/path.h"
#include "hamail/mailsvc/wire/sasl.h"

namespace hamail::mailsvc::smtp {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A byte no command may carry: a CR or NUL inside the line (the framer took the CRLF),
// or any other control character except TAB. Such text could end up in a header.
bool has_control(std::string_view s) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

constexpr std::string_view kLoginUserChallenge = "VXNlcm5hbWU6";  // "Username:"
constexpr std::string_view kLoginPassChallenge = "UGFzc3dvcmQ6";  // "Password:"

}  // namespace

SmtpSession::SmtpSession(SmtpConfig config) : config_(std::move(config)), tls_active_(config_.implicit_tls()) {}

Output SmtpSession::take() {
  Output o = std::move(out_);
  out_ = Output{};
  return o;
}

Output SmtpSession::start() {
  // RFC 2034: the greeting carries no enhanced status code.
  send(reply(220, "", config_.hostname + " ESMTP hamail"));
  return take();
}

Output SmtpSession::feed(std::string_view bytes) {
  if (closed()) return {};
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
  in_.append(bytes);
  process();
  if (!closed() && in_.size() - pos_ > kMaxBufferedInput) {
    // The shell should pause reading while waiting(); a client that keeps sending
    // without reading replies is cut off instead of growing our buffer.
    close_with(reply(421, "4.7.0", config_.hostname + " Error: too much pipelined input"));
  }
  return take();
}

void SmtpSession::process() {
  while (mode_ != Mode::closed && waiting_ == Waiting::none && pos_ < in_.size()) {
    if (mode_ == Mode::data) {
      on_data();
      continue;
    }
    char c = in_[pos_++];
    if (auto line = framer_.push(c)) on_line(*line);
  }
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
}

void SmtpSession::send(const Reply& r) { out_.bytes += r.format(); }

void SmtpSession::fail(const Reply& r) {
  send(r);
  if (++errors_ >= config_.max_errors)
    close_with(reply(421, "4.7.0", config_.hostname + " Error: too many errors"));
}

void SmtpSession::close_with(const Reply& r) {
  send(r);
  out_.close = true;
  mode_ = Mode::closed;
  waiting_ = Waiting::none;
  in_.clear();
  pos_ = 0;
}

void SmtpSession::reset_transaction() {
  mail_given_ = false;
  envelope_ = Envelope{};
  rcpt_attempted_ = false;
  pending_rcpt_.clear();
  data_.reset();
}

void SmtpSession::on_line(const wire::Line& line) {
  if (line.bare_lf) ++bare_lf_lines_;  // tolerated for commands (common in scripts)
  if (line.too_long) {
    mode_ = Mode::command;  // also ends a SASL exchange
    fail(reply(500, "5.5.2", "Line too long"));
    return;
  }
  if (has_control(line.text)) {
    mode_ = Mode::command;  // also ends a SASL exchange
    return fail(reply(501, "5.5.2", "Syntax error: control character (bare CR, NUL, ...) in the command"));
  }
  if (mode_ == Mode::command) on_command(line.text);
  else on_sasl_line(line.text);
}

void SmtpSession::on_command(std::string_view line) {
  auto sp = line.find(' ');
  std::string verb = upper(line.substr(0, sp));
  std::string_view arg = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  if (verb == "EHLO") return cmd_helo(arg, true);
  if (verb == "HELO") return cmd_helo(arg, false);
  if (verb == "MAIL") return cmd_mail(arg);
  if (verb == "RCPT") return cmd_rcpt(arg);
  if (verb == "DATA") return cmd_data(arg);
  if (verb == "STARTTLS") return cmd_starttls(arg);
  if (verb == "AUTH") return cmd_auth(arg);
  if (verb == "RSET") {
    if (!trim(arg).empty()) return fail(reply(501, "5.5.4", "Syntax: RSET"));
    reset_transaction();
    return send(reply(250, "2.0.0", "Ok"));
  }
  if (verb == "NOOP") return send(reply(250, "2.0.0", "Ok"));
  if (verb == "QUIT") return close_with(reply(221, "2.0.0", "Bye"));
  if (verb == "VRFY") {
    if (trim(arg).empty()) return fail(reply(501, "5.5.4", "Syntax: VRFY address"));
    return send(reply(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery"));
  }
  if (verb == "HELP")
    return send(reply(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS AUTH"));
  if (verb == "EXPN") return fail(reply(502, "5.5.1", "EXPN not supported"));
  fail(reply(500, "5.5.1", "Command not recognized"));
}

Reply SmtpSession::ehlo_reply() const {
  // RFC 2034: no enhanced status code on the EHLO/HELO reply.
  Reply r{250, "", {config_.hostname}};
  r.lines.push_back("PIPELINING");
  r.lines.push_back("SIZE " + std::to_string(config_.max_message_size));
  r.lines.push_back("8BITMIME");
  r.lines.push_back("ENHANCEDSTATUSCODES");
  if (config_.tls_configured && !tls_active_) r.lines.push_back("STARTTLS");
  if (config_.auth_offered() && (tls_active_ || config_.allow_plaintext_auth)) r.lines.push_back("AUTH PLAIN LOGIN");
  r.lines.push_back("SMTPUTF8");
  return r;
}

void SmtpSession::cmd_helo(std::string_view arg, bool esmtp) {
  arg = trim(arg);
  if (arg.empty() || arg.find_first_of(" \t") != std::string_view::npos)
    return fail(reply(501, "5.5.4", esmtp ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
  reset_transaction();
  helo_ = std::string(arg);
  esmtp_ = esmtp;
  send(esmtp ? ehlo_reply() : reply(250, "", config_.hostname));
}

void SmtpSession::cmd_mail(std::string_view arg) {
  if (helo_.empty()) return fail(reply(503, "5.5.1", "Send HELO/EHLO first"));
  if (config_.auth_required() && auth_user_.empty()) return fail(reply(530, "5.7.0", "Authentication required"));
  if (mail_given_) return fail(reply(503, "5.5.1", "Nested MAIL command"));
  auto r = parse_mail_from(arg);
  if (!r.value) {
    switch (r.error) {
      case PathError::syntax: return fail(reply(501, "5.5.2", r.detail));
      case PathError::bad_address: return fail(reply(501, "5.1.7", r.detail));
      case PathError::needs_smtputf8: return fail(reply(553, "5.6.7", r.detail));
      case PathError::bad_parameter: return fail(reply(555, "5.5.4", r.detail));
    }
  }
  if (r.value->size && *r.value->size > config_.max_message_size)
    return fail(reply(552, "5.3.4", "Message size exceeds fixed maximum message size"));
  if (config_.sender_must_match_login && !auth_user_.empty() && !r.value->address.empty()) {
    waiting_ = Waiting::sender;
    out_.action = CheckSender{r.value->address, auth_user_};
    pending_mail_ = std::move(*r.value);
    return;
  }
  begin_transaction(*r.value);
}

void SmtpSession::begin_transaction(const MailFromArgs& from) {
  mail_given_ = true;
  envelope_ = Envelope{};
  envelope_.helo = helo_;
  envelope_.esmtp = esmtp_;
  envelope_.mail_from = from.address;
  envelope_.body_8bitmime = from.body_8bitmime;
  envelope_.smtputf8 = from.smtputf8;
  envelope_.declared_size = from.size;
  envelope_.auth_user = auth_user_;
  envelope_.tls = tls_active_;
  send(reply(250, "2.1.0", "Ok"));
}

Output SmtpSession::sender_checked(SenderVerdict verdict) {
  if (waiting_ != Waiting::sender) return {};
  waiting_ = Waiting::none;
  MailFromArgs from = std::move(*pending_mail_);
  pending_mail_.reset();
  switch (verdict) {
    case SenderVerdict::ok:
      begin_transaction(from);
      break;
    case SenderVerdict::not_owned:
      fail(reply(553, "5.7.1", "<" + from.address + ">: Sender address rejected: not owned by user " + auth_user_));
      break;
    case SenderVerdict::temporary_failure:
      send(reply(451, "4.3.0", "<" + from.address + ">: Temporary failure, try again later"));
      break;
  }
  process();
  return take();
}

void SmtpSession::cmd_rcpt(std::string_view arg) {
  if (!mail_given_) return fail(reply(503, "5.5.1", "Need MAIL command"));
  auto r = parse_rcpt_to(arg, envelope_.smtputf8);
  if (!r.value) {
    switch (r.error) {
      case PathError::syntax: return fail(reply(501, "5.5.2", r.detail));
      case PathError::bad_address: return fail(reply(501, "5.1.3", r.detail));
      case PathError::needs_smtputf8: return fail(reply(553, "5.6.7", r.detail));
      case PathError::bad_parameter: return fail(reply(555, "5.5.4", r.detail));
    }
  }
  rcpt_attempted_ = true;
  if (envelope_.recipients.size() >= config_.max_recipients) return send(reply(452, "4.5.3", "Too many recipients"));
  pending_rcpt_ = r.value->address;
  waiting_ = Waiting::recipient;
  out_.action = CheckRecipient{pending_rcpt_, auth_user_};
}

Output SmtpSession::recipient_checked(RecipientVerdict verdict) {
  if (waiting_ != Waiting::recipient) return {};
  waiting_ = Waiting::none;
  std::string who = "<" + pending_rcpt_ + ">: ";
  switch (verdict) {
    case RecipientVerdict::ok: {
      bool dup = false;
      for (const auto& r : envelope_.recipients) dup = dup || r == pending_rcpt_;
      if (!dup) envelope_.recipients.push_back(pending_rcpt_);
      send(reply(250, "2.1.5", "Ok"));
      break;
    }
    case RecipientVerdict::unknown_user:
      fail(reply(550, "5.1.1", who + "Recipient address rejected: User unknown"));
      break;
    case RecipientVerdict::relay_denied:
      fail(reply(554, "5.7.1", who + "Relay access denied"));
      break;
    case RecipientVerdict::mailbox_full:
      send(reply(452, "4.2.2", who + "Mailbox full"));
      break;
    case RecipientVerdict::temporary_failure:
      send(reply(451, "4.3.0", who + "Temporary failure, try again later"));
      break;
  }
  pending_rcpt_.clear();
  process();
  return take();
}

void SmtpSession::cmd_data(std::string_view arg) {
  if (!trim(arg).empty()) return fail(reply(501, "5.5.4", "Syntax: DATA"));
  if (!mail_given_) return fail(reply(503, "5.5.1", "Need MAIL command"));
  if (envelope_.recipients.empty()) {
    if (rcpt_attempted_) return fail(reply(554, "5.5.1", "No valid recipients"));
    return fail(reply(503, "5.5.1", "Need RCPT command"));
  }
  waiting_ = Waiting::begin;
  out_.action = BeginMessage{envelope_};
}

Output SmtpSession::message_begun(const StoreResult& result) {
  if (waiting_ != Waiting::begin) return {};
  waiting_ = Waiting::none;
  if (result.kind == StoreResult::Kind::stored) {
    data_.emplace(config_.max_message_size);
    mode_ = Mode::data;
    send(reply(354, "", "End data with <CR><LF>.<CR><LF>"));
  } else {
    reset_transaction();
    send_store_failure(result.kind);
  }
  process();
  return take();
}

void SmtpSession::on_data() {
  std::size_t used = 0;
  bool ended = data_->push_some(std::string_view(in_).substr(pos_), kDataChunk, used);
  pos_ += used;
  if (ended) return on_end_of_data();
  if (data_->data().size() < kDataChunk) return;
  waiting_ = Waiting::data;  // a chunk is full: hand it out before reading on
  out_.action = MessageData{data_->take_data()};
}

Output SmtpSession::data_written() {
  if (waiting_ != Waiting::data) return {};
  waiting_ = Waiting::none;
  process();
  return take();
}

void SmtpSession::on_end_of_data() {
  mode_ = Mode::command;
  bare_lf_lines_ += data_->bare_lf_count();
  if (data_->too_big()) {
    data_.reset();
    waiting_ = Waiting::discard;
    out_.action = DiscardMessage{};
    return;
  }
  MessageComplete m{std::move(envelope_), data_->take_data()};
  data_.reset();
  waiting_ = Waiting::store;
  out_.action = std::move(m);
}

Output SmtpSession::message_discarded() {
  if (waiting_ != Waiting::discard) return {};
  waiting_ = Waiting::none;
  reset_transaction();
  send(reply(552, "5.3.4", "Message size exceeds fixed maximum message size"));
  process();
  return take();
}

Output SmtpSession::message_stored(const StoreResult& result) {
  if (waiting_ != Waiting::store) return {};
  waiting_ = Waiting::none;
  reset_transaction();
  if (result.kind == StoreResult::Kind::stored) send(reply(250, "2.0.0", "Ok: queued as " + result.queue_id));
  else send_store_failure(result.kind);
  process();
  return take();
}

void SmtpSession::send_store_failure(StoreResult::Kind kind) {
  switch (kind) {
    case StoreResult::Kind::stored:
      break;
    case StoreResult::Kind::temporary_failure:
      send(reply(451, "4.3.0", "Temporary failure storing the message, try again later"));
      break;
    case StoreResult::Kind::insufficient_storage:
      send(reply(452, "4.3.1", "Insufficient system storage"));
      break;
    case StoreResult::Kind::rejected:
      send(reply(554, "5.3.0", "Message rejected"));
      break;
    case StoreResult::Kind::too_many_hops:
      send(reply(554, "5.4.6", "Too many hops: mail loop?"));
      break;
  }
}

void SmtpSession::cmd_starttls(std::string_view arg) {
  if (!trim(arg).empty()) return fail(reply(501, "5.5.4", "Syntax: STARTTLS"));
  if (tls_active_) return fail(reply(503, "5.5.1", "TLS already active"));
  if (!config_.tls_configured) return fail(reply(502, "5.5.1", "STARTTLS not available"));
  if (mail_given_) return fail(reply(503, "5.5.1", "Mail transaction in progress"));
  send(reply(220, "2.0.0", "Ready to start TLS"));
  // Anything pipelined after STARTTLS was sent in clear text: drop it (CVE-2011-0411).
  in_.clear();
  pos_ = 0;
  framer_.reset();
  waiting_ = Waiting::tls;
  out_.action = StartTls{};
}

Output SmtpSession::tls_started() {
  if (waiting_ != Waiting::tls) return {};
  waiting_ = Waiting::none;
  tls_active_ = true;
  // RFC 3207 4.2: forget everything learnt before TLS.
  reset_transaction();
  helo_.clear();
  esmtp_ = false;
  auth_user_.clear();
  process();
  return take();
}

void SmtpSession::cmd_auth(std::string_view arg) {
  if (!config_.auth_offered()) return fail(reply(502, "5.5.1", "AUTH not available on this port"));
  if (helo_.empty() || !esmtp_) return fail(reply(503, "5.5.1", "Send EHLO first"));
  if (!auth_user_.empty()) return fail(reply(503, "5.5.1", "Already authenticated"));
  if (mail_given_) return fail(reply(503, "5.5.1", "AUTH not allowed during a mail transaction"));
  if (!tls_active_ && !config_.allow_plaintext_auth)
    return fail(reply(538, "5.7.11", "Encryption required for requested authentication mechanism"));
  arg = trim(arg);
  auto sp = arg.find(' ');
  std::string mech = upper(arg.substr(0, sp));
  std::optional<std::string_view> initial;
  if (sp != std::string_view::npos) {
    initial = trim(arg.substr(sp + 1));
    if (initial->find(' ') != std::string_view::npos || initial->empty())
      return fail(reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"));
  }
  if (mech.empty()) return fail(reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"));
  if (mech != "PLAIN" && mech != "LOGIN") return fail(reply(504, "5.5.4", "Unrecognized authentication type"));
  if (!initial) {
    if (mech == "PLAIN") {
      mode_ = Mode::auth_plain;
      return send(reply(334, "", ""));
    }
    mode_ = Mode::auth_login_user;
    return send(reply(334, "", kLoginUserChallenge));
  }
  auto decoded = wire::decode_sasl_response(*initial);
  if (std::holds_alternative<wire::SaslCancelled>(decoded)) return fail(reply(501, "5.0.0", "Authentication aborted"));
  if (std::holds_alternative<wire::SaslBadEncoding>(decoded)) return fail(reply(501, "5.5.2", "Cannot decode response"));
  if (mech == "PLAIN") return sasl_plain(std::get<std::string>(decoded));
  pending_user_ = std::get<std::string>(decoded);
  mode_ = Mode::auth_login_pass;
  send(reply(334, "", kLoginPassChallenge));
}

void SmtpSession::on_sasl_line(std::string_view line) {
  Mode was = mode_;
  mode_ = Mode::command;
  auto decoded = wire::decode_sasl_response(line);
  if (std::holds_alternative<wire::SaslCancelled>(decoded)) return fail(reply(501, "5.0.0", "Authentication aborted"));
  if (std::holds_alternative<wire::SaslBadEncoding>(decoded)) return fail(reply(501, "5.5.2", "Cannot decode response"));
  std::string& text = std::get<std::string>(decoded);
  if (was == Mode::auth_plain) return sasl_plain(text);
  if (was == Mode::auth_login_user) {
    pending_user_ = std::move(text);
    mode_ = Mode::auth_login_pass;
    return send(reply(334, "", kLoginPassChallenge));
  }
  request_auth("LOGIN", "", std::move(pending_user_), std::move(text));
}

void SmtpSession::sasl_plain(const std::string& decoded) {
  auto creds = wire::parse_sasl_plain(decoded);
  if (!creds) return fail(reply(501, "5.5.2", "Invalid PLAIN response"));
  request_auth("PLAIN", creds->authzid, creds->user, creds->password);
}

void SmtpSession::request_auth(std::string mechanism, std::string authzid, std::string user, std::string password) {
  // Acting for another identity is not supported: the same reply as a wrong password.
  if (!authzid.empty() && authzid != user) return fail(reply(535, "5.7.8", "Authentication credentials invalid"));
  pending_user_ = user;
  waiting_ = Waiting::auth;
  out_.action = Authenticate{std::move(mechanism), std::move(authzid), std::move(user), std::move(password)};
}

Output SmtpSession::auth_result(AuthVerdict verdict) {
  if (waiting_ != Waiting::auth) return {};
  waiting_ = Waiting::none;
  switch (verdict) {
    case AuthVerdict::ok:
      auth_user_ = std::move(pending_user_);
      send(reply(235, "2.7.0", "Authentication successful"));
      break;
    case AuthVerdict::bad_credentials:
      fail(reply(535, "5.7.8", "Authentication credentials invalid"));
      break;
    case AuthVerdict::temporary_failure:
      send(reply(454, "4.7.0", "Temporary authentication failure"));
      break;
    case AuthVerdict::rate_limited:
      fail(reply(454, "4.7.0", "Too many failed authentication attempts, try again later"));
      break;
  }
  pending_user_.clear();
  process();
  return take();
}

}  // namespace hamail::mailsvc::smtp
