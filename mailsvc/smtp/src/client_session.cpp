#include "hamail/mailsvc/smtp/client_session.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::smtp {
namespace {

constexpr std::size_t kMaxReason = 200;  // octets of a shell-supplied reason kept in a reply

// RFC 5321 4.5.2 and 2.3.8: CRLF line ends (a bare LF or a bare CR becomes CRLF, a
// missing last one is added: no bare CR or LF ever reaches the server, so nothing can be
// smuggled past its end-of-data) and a '.' doubled at the start of a line. Returns the
// size without the doubled dots (the SIZE of RFC 1870); with out == nullptr it only counts.
std::uint64_t dot_stuff(std::string_view data, std::string* out) {
  std::uint64_t size = 0;
  std::size_t pos = 0;
  if (out) out->reserve(out->size() + data.size() + data.size() / 64 + 5);
  while (pos < data.size()) {
    std::size_t end = data.find_first_of("\r\n", pos);
    std::string_view line = data.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (end == std::string_view::npos) pos = data.size();
    else pos = end + (data.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    size += line.size() + 2;
    if (!out) continue;
    if (!line.empty() && line.front() == '.') *out += '.';
    *out += line;
    *out += "\r\n";
  }
  return size;
}

bool control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

bool safe_in_path(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return control(c) || c == '<' || c == '>'; });
}

std::string bounded(std::string s) {
  if (s.size() > kMaxReason) s.resize(kMaxReason);
  for (char& c : s) c = control(c) ? '?' : c;
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// 4xx and anything else that is not success: try again later; 5xx: give up.
RecipientOutcome outcome_of(int code) {
  return code / 100 == 5 ? RecipientOutcome::failed : RecipientOutcome::deferred;
}

}  // namespace

ServerCapabilities parse_ehlo(const std::vector<std::string>& lines) {
  ServerCapabilities c;
  for (std::size_t i = 1; i < lines.size(); ++i) {  // the first line is the server's name
    std::string_view line = lines[i];
    std::size_t sp = line.find(' ');
    std::string key = upper(line.substr(0, sp));
    std::string_view arg = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (key == "STARTTLS") c.starttls = true;
    if (key == "8BITMIME") c.eightbitmime = true;
    if (key == "PIPELINING") c.pipelining = true;
    if (key == "SMTPUTF8") c.smtputf8 = true;
    if (key == "ENHANCEDSTATUSCODES") c.enhanced_status_codes = true;
    if (key == "AUTH") {
      std::string mechanisms = " " + upper(arg) + " ";
      if (mechanisms.find(" PLAIN ") != std::string::npos) c.auth_plain = true;
    }
    if (key == "SIZE") {
      c.size = true;
      std::uint64_t n = 0;
      auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
      c.size_limit = ec == std::errc() && end == arg.data() + arg.size() ? n : 0;
    }
  }
  return c;
}

SmtpClientSession::SmtpClientSession(ClientTransaction t, ClientTlsPolicy tls)
    : tx_(std::move(t)), policy_(tls), message_size_(dot_stuff(tx_.data, nullptr)) {
  // A short moved-from string keeps its bytes in place (small-string buffer): zero them.
  t.auth_password.resize(t.auth_password.capacity());
  std::fill(t.auth_password.begin(), t.auth_password.end(), '\0');
  awaited_.push_back({Cmd::greeting});
  in_flight_ = 1;
  rcpt_state_.assign(tx_.recipients.size(), Rcpt::pending);
  for (const std::string& address : tx_.recipients) results_.push_back({address, RecipientOutcome::deferred, {}, ""});
  for (std::size_t i = 0; i < tx_.recipients.size(); ++i) {
    if (!safe_in_path(tx_.recipients[i]))
      decide(i, RecipientOutcome::failed, {501, "5.1.3", "bad recipient address syntax"}, "rcpt");
  }
  bool helo_ok = !tx_.helo_name.empty() && safe_in_path(tx_.helo_name) && tx_.helo_name.find(' ') == std::string::npos;
  if (!helo_ok) {
    finish(RecipientOutcome::deferred, {451, "4.3.5", "bad helo_name configured"}, "ehlo", false);
  } else if (!safe_in_path(tx_.mail_from)) {
    finish(RecipientOutcome::failed, {501, "5.1.7", "bad sender address syntax"}, "mail", false);
  } else if (next_rcpt(0) == rcpt_state_.size()) {
    finish(RecipientOutcome::failed, last_, "rcpt", false);  // every recipient is decided
  }
  out_ = ClientOutput{};
}

std::string_view SmtpClientSession::stage_of(Cmd cmd) {
  switch (cmd) {
    case Cmd::greeting: return "greeting";
    case Cmd::ehlo:
    case Cmd::helo: return "ehlo";
    case Cmd::starttls: return "starttls";
    case Cmd::auth: return "auth";
    case Cmd::mail: return "mail";
    case Cmd::rcpt: return "rcpt";
    case Cmd::data: return "data";
    case Cmd::data_end: return "data_end";
  }
  return "connection";
}

std::string SmtpClientSession::stage() const {
  if (done_) return "done";
  if (handshaking_) return "starttls";
  return std::string(awaited_.empty() ? "connection" : stage_of(awaited_.front().cmd));
}

ClientOutput SmtpClientSession::take() {
  in_flight_ = awaited_.size();  // everything queued goes out with these bytes
  ClientOutput o = std::move(out_);
  out_ = ClientOutput{};
  return o;
}

ClientOutput SmtpClientSession::feed(std::string_view bytes) {
  // After done: ignored. During the handshake: plaintext sent after the 220 to STARTTLS
  // must not be read as if it came over TLS (RFC 3207 5, the injection attack).
  if (done_ || handshaking_) return {};
  for (char c : bytes) {
    auto r = parser_.push(c);
    if (!r) continue;
    if (r->is_ok()) {
      on_reply(r->value());
    } else {
      protocol_error(r->error(), stage());
    }
    if (done_ || handshaking_) break;  // the rest is discarded
  }
  return take();
}

ClientOutput SmtpClientSession::tls_started() {
  if (done_ || !handshaking_) return {};
  handshaking_ = false;
  tls_active_ = true;
  caps_ = ServerCapabilities{};  // RFC 3207 4.2: forget what was learned in the clear
  send(Cmd::ehlo, "EHLO " + tx_.helo_name);
  return take();
}

ClientOutput SmtpClientSession::tls_failed(std::string reason) {
  if (done_) return {};
  finish(RecipientOutcome::deferred, {451, "4.7.5", "TLS handshake failed: " + bounded(std::move(reason))},
         "starttls", false);
  return take();
}

ClientOutput SmtpClientSession::connection_lost(std::string reason) {
  if (done_) return {};
  // After the final dot this is the at-least-once window: the server may have queued
  // the message before the reply was lost, so a retry can deliver it twice.
  std::string text = "connection lost in stage " + stage() + ": " + bounded(std::move(reason));
  finish(RecipientOutcome::deferred, {451, "4.4.2", std::move(text)}, "connection", false);
  return take();
}

void SmtpClientSession::on_reply(const ReceivedReply& r) {
  last_ = r.summary();
  if (in_flight_ == 0) return protocol_error("reply " + std::to_string(r.code) + " to no command", stage());
  Awaited a = awaited_.front();
  awaited_.pop_front();
  --in_flight_;
  int klass = r.code / 100;
  int success = a.cmd == Cmd::data ? 3 : 2;
  if (klass != success && klass != 4 && klass != 5)
    return protocol_error("unexpected reply " + std::to_string(r.code), stage_of(a.cmd));
  bool ok = klass == success;
  RecipientOutcome bad = outcome_of(r.code);
  switch (a.cmd) {
    case Cmd::greeting:
      if (!ok) return finish(RecipientOutcome::deferred, last_, "greeting");  // another MX may do
      return send(Cmd::ehlo, "EHLO " + tx_.helo_name);
    case Cmd::ehlo:
      if (ok) {
        caps_ = parse_ehlo(r.lines);
        return after_hello();
      }
      if (klass == 5) return send(Cmd::helo, "HELO " + tx_.helo_name);
      return finish(bad, last_, "ehlo");
    case Cmd::helo:
      if (!ok) return finish(bad, last_, "ehlo");
      caps_ = ServerCapabilities{};
      return after_hello();
    case Cmd::starttls:
      if (r.code == 220) {
        handshaking_ = true;
        out_.start_tls = true;
        parser_.reset();
        return;
      }
      if (policy_ == ClientTlsPolicy::encrypt) return finish(RecipientOutcome::deferred, last_, "starttls");
      return authenticate_or_start();  // may: go on in the clear
    case Cmd::auth:
      if (!ok) return finish(bad, last_, "auth");
      authenticated_ = true;
      return start_transaction();
    case Cmd::mail:
      if (!ok) return finish(bad, last_, "mail");
      if (!pipelined_) send_rcpt(next_rcpt(0));
      return;
    case Cmd::rcpt:
      if (ok) {
        rcpt_state_[a.rcpt] = Rcpt::accepted;
        results_[a.rcpt].reply = last_;
      } else {
        decide(a.rcpt, bad, last_, "rcpt");
      }
      return after_rcpt(a);
    case Cmd::data:
      if (!ok) return finish(bad, last_, "data");
      dot_stuff(tx_.data, &out_.bytes);
      out_.bytes += ".\r\n";
      std::string().swap(tx_.data);  // not needed any more; the message can be large
      awaited_.push_back({Cmd::data_end});
      return;
    case Cmd::data_end:
      return finish(ok ? RecipientOutcome::delivered : bad, last_, "data_end");
  }
}

void SmtpClientSession::after_hello() {
  if (!tls_active_ && policy_ != ClientTlsPolicy::none && caps_.starttls) return send(Cmd::starttls, "STARTTLS");
  if (!tls_active_ && policy_ == ClientTlsPolicy::encrypt)
    return finish(RecipientOutcome::deferred, {451, "4.7.4", "TLS required but not offered by server"}, "starttls");
  authenticate_or_start();
}

void SmtpClientSession::authenticate_or_start() {
  if (tx_.auth_user.empty() || authenticated_) return start_transaction();
  if (!caps_.auth_plain)
    return finish(RecipientOutcome::failed, {530, "5.7.0", "AUTH PLAIN not offered by server"}, "auth");
  std::string plain;  // RFC 4616: authzid NUL authcid NUL passwd; no authzid
  plain += '\0';
  plain += tx_.auth_user;
  plain += '\0';
  plain += tx_.auth_password;
  send(Cmd::auth, "AUTH PLAIN " + wire::base64_encode(plain));
  std::fill(plain.begin(), plain.end(), '\0');
  std::fill(tx_.auth_password.begin(), tx_.auth_password.end(), '\0');  // not needed any more
  tx_.auth_password.clear();
}

void SmtpClientSession::start_transaction() {
  if (tx_.smtputf8 && !caps_.smtputf8)
    return finish(RecipientOutcome::failed, {553, "5.6.7", "SMTPUTF8 required but not offered by server"}, "mail");
  if (caps_.size && caps_.size_limit > 0 && message_size_ > caps_.size_limit) {
    std::string text = "message size " + std::to_string(message_size_) + " exceeds the server's limit " +
                       std::to_string(caps_.size_limit);
    return finish(RecipientOutcome::failed, {552, "5.3.4", std::move(text)}, "mail");
  }
  std::string mail = "MAIL FROM:<" + tx_.mail_from + ">";
  if (caps_.size) mail += " SIZE=" + std::to_string(message_size_);
  if (tx_.body_8bitmime && caps_.eightbitmime) mail += " BODY=8BITMIME";
  if (tx_.smtputf8) mail += " SMTPUTF8";
  pipelined_ = caps_.pipelining;
  send(Cmd::mail, mail);
  if (!pipelined_) return;
  // RFC 2920: the whole envelope and DATA in one write; replies are matched in order.
  for (std::size_t i = next_rcpt(0); i < rcpt_state_.size(); i = next_rcpt(i + 1)) send_rcpt(i);
  send(Cmd::data, "DATA");
}

void SmtpClientSession::after_rcpt(const Awaited& a) {
  if (pipelined_ && awaited_.front().cmd == Cmd::rcpt) return;  // more RCPT replies to come
  if (!pipelined_) {
    std::size_t next = next_rcpt(a.rcpt + 1);
    if (next < rcpt_state_.size()) return send_rcpt(next);
  }
  if (std::find(rcpt_state_.begin(), rcpt_state_.end(), Rcpt::accepted) == rcpt_state_.end()) {
    // Nobody accepted: QUIT without waiting for a pipelined DATA's reply. Should the
    // server have answered 354, QUIT is message text and the unterminated DATA is
    // discarded when we close.
    return finish(RecipientOutcome::failed, last_, "rcpt");  // every recipient is decided
  }
  if (!pipelined_) send(Cmd::data, "DATA");
}

void SmtpClientSession::send(Cmd cmd, const std::string& line, std::size_t rcpt) {
  out_.bytes += line;
  out_.bytes += "\r\n";
  awaited_.push_back({cmd, rcpt});
}

void SmtpClientSession::send_rcpt(std::size_t i) { send(Cmd::rcpt, "RCPT TO:<" + tx_.recipients[i] + ">", i); }

std::size_t SmtpClientSession::next_rcpt(std::size_t from) const {
  while (from < rcpt_state_.size() && rcpt_state_[from] != Rcpt::pending) ++from;
  return from;
}

void SmtpClientSession::decide(std::size_t i, RecipientOutcome o, const ClientReply& r, std::string_view stage) {
  rcpt_state_[i] = Rcpt::decided;
  results_[i].outcome = o;
  results_[i].reply = r;
  results_[i].stage = std::string(stage);
}

void SmtpClientSession::finish(RecipientOutcome o, const ClientReply& r, std::string_view stage, bool quit) {
  for (std::size_t i = 0; i < rcpt_state_.size(); ++i) {
    if (rcpt_state_[i] != Rcpt::decided) decide(i, o, r, stage);
  }
  last_ = r;
  if (quit) out_.bytes += "QUIT\r\n";
  out_.done = true;
  done_ = true;
  handshaking_ = false;
}

void SmtpClientSession::protocol_error(const std::string& what, std::string_view stage) {
  finish(RecipientOutcome::deferred, {451, "4.5.0", "protocol error: " + what}, stage);
}

}  // namespace hamail::mailsvc::smtp
