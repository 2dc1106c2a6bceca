// One POP3 server conversation (RFC 1939, CAPA 2449, STLS 2595, AUTH 5034) as a
// sans-IO state machine: AUTHORIZATION -> TRANSACTION -> UPDATE. feed() it bytes,
// send Output::bytes, perform Output::action and answer it; no sockets or files.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/pop3/actions.h"
#include "hamail/mailsvc/pop3/config.h"
#include "hamail/mailsvc/pop3/maildrop.h"
#include "hamail/mailsvc/wire/line_framer.h"

namespace hamail::mailsvc::pop3 {

// Send `bytes`, then perform `action` (if any), then close if `close` is set.
struct Output {
  std::string bytes;
  std::optional<Action> action;
  bool close = false;
};

enum class Pop3State { authorization, transaction, update, closed };

class Pop3Session {
 public:
  static constexpr std::size_t kMaxCommandLine = 512;         // octets incl. CRLF (RFC 2449 says 255)
  static constexpr std::size_t kMaxBufferedInput = 64 * 1024;  // unprocessed input while an action is pending

  explicit Pop3Session(Pop3Config config);

  Output start();  // the +OK greeting
  Output feed(std::string_view bytes);
  // Answers to the outstanding action; a call that does not match it returns nothing.
  Output tls_started();
  Output auth_result(AuthAnswer answer);
  Output message_read(Result<std::string> body);
  Output deletions_committed(Status status);

  // The open maildrop (TRANSACTION and UPDATE), shared so that a read or commit running
  // on another thread keeps it (and its lock) alive even if the session goes away.
  std::shared_ptr<Maildrop> maildrop() const { return maildrop_; }

  Pop3State state() const { return state_; }
  bool waiting() const { return waiting_ != Waiting::none; }
  bool tls_active() const { return tls_active_; }
  const std::string& user() const { return user_; }

 private:
  enum class Waiting { none, tls, auth, read, commit };

  Output take();
  void process();
  void ok(std::string_view text);
  void err(std::string_view text);  // counts towards max_errors
  void close();
  bool plaintext_allowed() const { return tls_active_ || config_.allow_plaintext_auth; }

  void on_line(const wire::Line& line);
  void on_command(std::string_view line);
  void on_sasl_line(std::string_view line);
  void authorization_command(const std::string& verb, std::string_view arg);
  void transaction_command(const std::string& verb, std::string_view arg);
  void cmd_capa();
  void cmd_auth(std::string_view arg);
  void sasl_plain(const std::string& decoded);
  void cmd_quit();

  // The 0-based index of a live message named by `arg`, or an -ERR was sent.
  std::optional<std::size_t> message_arg(std::string_view arg);
  std::size_t live_count() const;
  std::uint64_t live_octets() const;
  void send_message(std::size_t index, std::optional<std::uint64_t> top_lines);

  Pop3Config config_;
  Pop3State state_ = Pop3State::authorization;
  Waiting waiting_ = Waiting::none;
  bool sasl_pending_ = false;
  Output out_;
  std::string in_;
  std::size_t pos_ = 0;
  wire::LineFramer framer_{kMaxCommandLine};
  int errors_ = 0;
  bool tls_active_ = false;

  std::string pending_user_;  // after USER, until PASS
  std::string auth_user_;     // being checked
  std::string user_;          // logged in
  std::shared_ptr<Maildrop> maildrop_;
  std::optional<std::uint64_t> pending_top_;  // the RETR (nullopt) or TOP n being read
  std::size_t pending_index_ = 0;
  std::vector<bool> deleted_;
};

}  // namespace hamail::mailsvc::pop3
