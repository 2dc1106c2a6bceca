// One SMTP server conversation (RFC 5321) as a sans-IO state machine: feed() it the
// bytes received, send what comes back in Output::bytes, perform Output::action and
// report its result with the matching answer call. No sockets, clocks or files. A
// message goes out in chunks as it arrives (BeginMessage, MessageData..., MessageComplete):
// memory per session is bounded by kDataChunk + kMaxBufferedInput, whatever the size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/smtp/actions.h"
#include "hamail/mailsvc/smtp/config.h"
#include "hamail/mailsvc/smtp/data_reader.h"
#include "hamail/mailsvc/smtp/path.h"
#include "hamail/mailsvc/smtp/reply.h"
#include "hamail/mailsvc/wire/line_framer.h"

namespace hamail::mailsvc::smtp {

// What to do after one call: send `bytes` first, then perform `action` (if any), then
// close the connection if `close` is set.
struct Output {
  std::string bytes;
  std::optional<Action> action;
  bool close = false;
};

class SmtpSession {
 public:
  static constexpr std::size_t kMaxCommandLine = 1000;        // octets incl. CRLF (RFC 5321 4.5.3.1.4)
  static constexpr std::size_t kMaxBufferedInput = 64 * 1024;  // unprocessed input while an action is pending
  static constexpr std::size_t kDataChunk = 64 * 1024;  // message bytes handed out per MessageData

  explicit SmtpSession(SmtpConfig config);

  Output start();                     // the 220 greeting
  Output feed(std::string_view bytes);

  // Answers to the outstanding action; a call that does not match it returns nothing.
  Output tls_started();
  Output auth_result(AuthVerdict verdict);
  Output sender_checked(SenderVerdict verdict);
  Output recipient_checked(RecipientVerdict verdict);
  Output message_begun(const StoreResult& result);  // kind stored: 354; else the failure reply
  Output data_written();
  Output message_stored(const StoreResult& result);
  Output message_discarded();

  bool waiting() const { return waiting_ != Waiting::none; }  // the shell may pause reading
  bool closed() const { return mode_ == Mode::closed; }
  bool tls_active() const { return tls_active_; }
  const std::string& auth_user() const { return auth_user_; }
  std::uint64_t bare_lf_lines() const { return bare_lf_lines_; }  // command + data lines, for logs

 private:
  enum class Mode { command, data, auth_plain, auth_login_user, auth_login_pass, closed };
  enum class Waiting { none, tls, auth, sender, recipient, begin, data, store, discard };

  Output take();
  void process();
  void send(const Reply& r);
  void fail(const Reply& r);  // an error reply that counts towards max_errors
  void close_with(const Reply& r);
  void reset_transaction();

  void on_line(const wire::Line& line);
  void on_command(std::string_view line);
  void on_sasl_line(std::string_view line);
  void on_data();
  void on_end_of_data();
  void send_store_failure(StoreResult::Kind kind);

  void cmd_helo(std::string_view arg, bool esmtp);
  void cmd_mail(std::string_view arg);
  void begin_transaction(const MailFromArgs& from);
  void cmd_rcpt(std::string_view arg);
  void cmd_data(std::string_view arg);
  void cmd_starttls(std::string_view arg);
  void cmd_auth(std::string_view arg);
  void sasl_plain(const std::string& decoded);
  void request_auth(std::string mechanism, std::string authzid, std::string user, std::string password);
  Reply ehlo_reply() const;

  SmtpConfig config_;
  Mode mode_ = Mode::command;
  Waiting waiting_ = Waiting::none;
  Output out_;
  std::string in_;
  std::size_t pos_ = 0;
  wire::LineFramer framer_{kMaxCommandLine};
  std::optional<DataReader> data_;
  int errors_ = 0;
  std::uint64_t bare_lf_lines_ = 0;

  bool tls_active_ = false;
  std::string helo_;
  bool esmtp_ = false;
  std::string auth_user_;
  std::string pending_user_;  // LOGIN user, then the user being checked

  std::optional<MailFromArgs> pending_mail_;  // while its sender is checked
  bool mail_given_ = false;
  Envelope envelope_;
  bool rcpt_attempted_ = false;
  std::string pending_rcpt_;
};

}  // namespace hamail::mailsvc::smtp
