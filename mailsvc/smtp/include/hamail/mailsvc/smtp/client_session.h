// The outbound side of SMTP (RFC 5321 with STARTTLS, PIPELINING, SIZE, 8BITMIME, SMTPUTF8)
// as a sans-IO state machine: it delivers one transaction to one server (relay or MX)
// and decides each recipient delivered, deferred or failed. No sockets, clocks or DNS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/smtp/client_reply.h"

namespace hamail::mailsvc::smtp {

enum class ClientTlsPolicy { none, may, encrypt };  // may: opportunistic STARTTLS; encrypt: required

struct ClientTransaction {
  std::string helo_name;                // our hostname for EHLO/HELO
  std::string mail_from;                // empty: the null reverse path <>
  std::vector<std::string> recipients;  // without angle brackets
  std::string data;                     // CRLF line ends, not dot-stuffed, without ".\r\n"
  bool body_8bitmime = false;           // BODY=8BITMIME when the server offers 8BITMIME
  bool smtputf8 = false;                // needs the server's SMTPUTF8, else 553 5.6.7 for all
  // Submission as a user (webmail): AUTH PLAIN (RFC 4954, 4616) after EHLO (and after
  // STARTTLS when the policy asks for it) and before MAIL; empty: no AUTH (relay, MX).
  // Refused (or not offered): every recipient fails (5xx) or is deferred (4xx).
  std::string auth_user;
  std::string auth_password;
};

enum class RecipientOutcome { delivered, deferred, failed };

struct RecipientResult {
  std::string address;
  RecipientOutcome outcome = RecipientOutcome::deferred;
  ClientReply reply;  // the server's reply that decided it, or a synthetic one
  std::string stage;  // "greeting", "ehlo", "starttls", "auth", "mail", "rcpt", "data", "data_end", "connection"
};

// What to do after one call: send `bytes`, then start the TLS handshake if `start_tls`
// (and answer with tls_started() or tls_failed()), then close if `done`.
struct ClientOutput {
  std::string bytes;
  bool start_tls = false;
  bool done = false;
};

// The EHLO keywords the session uses (RFC 3207, 1870, 6152, 2920, 6531, 2034).
struct ServerCapabilities {
  bool starttls = false;
  bool size = false;
  std::uint64_t size_limit = 0;  // 0: SIZE without a limit
  bool eightbitmime = false;
  bool pipelining = false;
  bool smtputf8 = false;
  bool enhanced_status_codes = false;
  bool auth_plain = false;  // AUTH with PLAIN among its mechanisms
};

ServerCapabilities parse_ehlo(const std::vector<std::string>& lines);  // the 250 reply's lines

class SmtpClientSession {
 public:
  // Values that could not be sent safely (control characters, '<', '>'; a space or
  // nothing in helo_name) are refused here: such a recipient fails (501 5.1.3), a bad
  // sender fails all (501 5.1.7), a bad helo_name defers all (451 4.3.5). When nothing
  // is left to send (also: no recipients), done() is true at once: do not connect.
  SmtpClientSession(ClientTransaction t, ClientTlsPolicy tls);

  ClientOutput feed(std::string_view bytes);         // bytes received from the server
  ClientOutput tls_started();                        // handshake done: EHLO again (RFC 3207)
  ClientOutput tls_failed(std::string reason);       // done; undecided recipients deferred
  // EOF, error or timeout: done, undecided recipients deferred. Lost after the final dot
  // (stage() "data_end"), the server may have queued the message already: a retry can
  // deliver it twice. Delivery is at-least-once, never at-most-once.
  ClientOutput connection_lost(std::string reason);

  bool done() const { return done_; }
  const std::vector<RecipientResult>& results() const { return results_; }  // final once done()
  bool tls_active() const { return tls_active_; }
  std::string stage() const;  // what is awaited: a RecipientResult stage, or "done"
  const ClientReply& last_reply() const { return last_; }  // the last received or synthetic reply
  const ServerCapabilities& capabilities() const { return caps_; }

 private:
  enum class Cmd { greeting, ehlo, helo, starttls, auth, mail, rcpt, data, data_end };
  struct Awaited {
    Cmd cmd;
    std::size_t rcpt = 0;
  };
  enum class Rcpt { pending, accepted, decided };

  ClientOutput take();
  void on_reply(const ReceivedReply& r);
  void after_hello();
  void start_transaction();
  void authenticate_or_start();
  void after_rcpt(const Awaited& a);
  void send(Cmd cmd, const std::string& line, std::size_t rcpt = 0);
  void send_rcpt(std::size_t i);
  std::size_t next_rcpt(std::size_t from) const;
  void decide(std::size_t i, RecipientOutcome o, const ClientReply& r, std::string_view stage);
  void finish(RecipientOutcome o, const ClientReply& r, std::string_view stage, bool quit = true);
  void protocol_error(const std::string& what, std::string_view stage);
  static std::string_view stage_of(Cmd cmd);

  ClientTransaction tx_;
  ClientTlsPolicy policy_;
  std::uint64_t message_size_ = 0;  // RFC 1870: CRLF line ends, without the stuffing dots
  ClientReplyParser parser_;
  ClientOutput out_;
  std::deque<Awaited> awaited_;  // commands in reply order; the first in_flight_ were sent
  std::size_t in_flight_ = 0;
  ServerCapabilities caps_;
  bool tls_active_ = false;
  bool handshaking_ = false;
  bool pipelined_ = false;
  bool authenticated_ = false;
  bool done_ = false;
  std::vector<Rcpt> rcpt_state_;
  std::vector<RecipientResult> results_;
  ClientReply last_;
};

}  // namespace hamail::mailsvc::smtp
