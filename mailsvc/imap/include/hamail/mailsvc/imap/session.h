// One IMAP server conversation (RFC 9051 / 3501 and the extensions in README.md) as a
// sans-IO state machine: not_authenticated -> authenticated <-> selected -> logout.
// feed() it bytes, send Output::bytes, perform Output::action and answer it; no sockets,
// files or timers (the autologout timer and the failed-login delay are the shell's).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hamail/mailsvc/imap/actions.h"
#include "hamail/mailsvc/imap/command_reader.h"
#include "hamail/mailsvc/imap/commands.h"
#include "hamail/mailsvc/imap/config.h"
#include "hamail/mailsvc/imap/mailbox_work.h"
#include "hamail/mailsvc/imap/parse_command.h"

namespace hamail::mailsvc::imap {

// Send `bytes`, then perform `action` (if any), then close if `close` is set.
struct Output {
  std::string bytes;
  std::optional<Action> action;
  bool close = false;
};

enum class ImapState { not_authenticated, authenticated, selected, logout };

// Commands are taken one at a time: while an action is outstanding (waiting()) input is
// only buffered (at most config.max_buffered_input; the shell pauses reading meanwhile),
// so pipelined commands are answered in order.
class ImapSession {
 public:
  explicit ImapSession(ImapConfig config);

  Output start();  // "* OK [CAPABILITY ...] hamail IMAP ready"
  Output feed(std::string_view bytes);
  // Answers to the outstanding action; a call that does not match it returns nothing.
  Output tls_started();
  Output auth_result(AuthResult result);
  Output mailbox_done(MailboxReply reply);
  Output idle_ended(std::string last_updates);
  // While idling (after IdleStart, before IdleEnd): untagged updates the worker found,
  // sent as they are. Outside IDLE the call is ignored: do not poll then.
  Output idle_poll_result(std::string updates);

  ImapState state() const { return state_; }
  bool waiting() const { return pending_ != Pending::none; }
  bool idling() const { return phase_ == Phase::idle; }
  bool tls_active() const { return tls_active_; }
  bool compression_active() const { return compression_active_; }
  bool read_only() const { return read_only_; }  // the selected mailbox was EXAMINEd
  const SessionFlags& flags() const { return flags_; }
  const std::string& user() const { return user_; }  // once logged in
  std::size_t buffered_bytes() const { return in_.size() - pos_ + reader_.buffered_bytes(); }

 private:
  enum class Pending { none, tls, auth, mailbox, idle_end };
  enum class Phase { command, sasl, idle };  // what the next client line is

  Output take();
  void process();
  void on_event(ReaderEvent event);
  void on_command(CommandBytes bytes);
  void dispatch(Command command);
  void not_authenticated_command(Command& command);
  void authenticated_command(Command& command);
  void mailbox_work(Command command);
  ParseOptions parse_options() const;

  // session_auth.cpp
  void cmd_starttls(const std::string& tag);
  void cmd_login(const std::string& tag, Login& login);
  void cmd_authenticate(const std::string& tag, const Authenticate& authenticate);
  void on_sasl_line(std::string_view line);
  void sasl_response(const std::string& tag, std::string_view base64);  // "=" is the empty response
  void check_credentials(const std::string& tag, CheckCredentials credentials);
  void auth_failed(const std::string& tag);
  bool plaintext_allowed() const { return tls_active_ || config_.allow_plaintext_auth; }

  // session_commands.cpp
  std::string capabilities() const;
  void cmd_capability(const std::string& tag);
  void cmd_id(const std::string& tag);
  void cmd_enable(const std::string& tag, const Enable& enable);
  void cmd_namespace(const std::string& tag);
  void cmd_logout(const std::string& tag);
  void cmd_compress(const std::string& tag);
  void cmd_idle(const std::string& tag);
  void on_idle_line(std::string_view line);

  void send(std::string_view line);  // adds CRLF
  void ok(const std::string& tag, std::string_view text);
  void no(const std::string& tag, std::string_view text);
  void bad(const std::string& tag, std::string_view text);  // counts to max_bad_commands
  void act(Action action);
  void take_remaining_input(std::string* into);  // empties the buffer and the reader
  void close();

  ImapConfig config_;
  CommandReader reader_;
  ImapState state_ = ImapState::not_authenticated;
  Pending pending_ = Pending::none;
  Phase phase_ = Phase::command;
  Output out_;
  std::string in_;
  std::size_t pos_ = 0;

  std::string pending_tag_;  // the command an action, a SASL exchange or IDLE answers
  std::string pending_user_;
  bool idle_done_ = false;  // IDLE ended with DONE (else with another line: BAD)
  int bad_count_ = 0;
  bool bad_sent_ = false;
  int auth_failures_ = 0;

  bool tls_active_ = false;
  bool compression_active_ = false;
  bool read_only_ = false;
  SessionFlags flags_;
  std::string user_;
};

}  // namespace hamail::mailsvc::imap
