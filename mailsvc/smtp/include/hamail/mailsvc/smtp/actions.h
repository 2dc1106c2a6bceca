// What the SMTP session asks of its shell, and the answers the shell gives back.
// At most one action is outstanding; the session buffers input until it is answered,
// so pipelined commands still get their replies in order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hamail::mailsvc::smtp {

// The envelope of one accepted transaction, handed over with its data.
struct Envelope {
  std::string helo;                     // the EHLO/HELO argument
  bool esmtp = false;                   // EHLO (not HELO) was used
  std::string mail_from;                // empty: the null reverse path <>
  std::vector<std::string> recipients;  // accepted ones only, in order
  bool body_8bitmime = false;
  bool smtputf8 = false;
  std::optional<std::uint64_t> declared_size;
  std::string auth_user;                // empty when not authenticated
  bool tls = false;
};

// "220 Ready to start TLS" was sent: start the handshake, then call tls_started().
struct StartTls {};
// Check the credentials, then call auth_result().
struct Authenticate {
  std::string mechanism;  // "PLAIN" or "LOGIN"
  std::string authzid;    // empty, or equal to user (others are refused before this)
  std::string user;
  std::string password;
};
// An authenticated client gave this MAIL FROM (SmtpConfig::sender_must_match_login):
// decide whether `auth_user` owns `address` (Postfix's reject_sender_login_mismatch),
// then call sender_checked().
struct CheckSender {
  std::string address;
  std::string auth_user;
};
// Decide on one recipient (see recipient_policy()), then call recipient_checked().
struct CheckRecipient {
  std::string address;
  std::string auth_user;  // empty when not authenticated
};
// DATA: get ready to store a message for this envelope (route it, check the space, open
// its queue file), then call message_begun(): only StoreResult::Kind::stored goes on to 354.
struct BeginMessage {
  Envelope envelope;
};
// The next bytes of the message (unstuffed, CRLF line ends; at most about
// SmtpSession::kDataChunk): append them, then call data_written(). The message is never
// held whole: the session keeps one chunk and the unread input.
struct MessageData {
  std::string data;
};
// The message ended (CRLF.CRLF): append `data` (the last bytes, maybe none), store the
// message durably, then call message_stored().
struct MessageComplete {
  Envelope envelope;
  std::string data;  // unstuffed, CRLF line ends, no trailing ".\r\n"
};
// The message ended but is refused (larger than max_message_size): drop what was
// written, then call message_discarded() (552 follows).
struct DiscardMessage {};
using Action = std::variant<StartTls, Authenticate, CheckSender, CheckRecipient, BeginMessage, MessageData,
                            MessageComplete, DiscardMessage>;

// rate_limited: too many failed logins from this client or for this account (the
// shell's limits); no password was checked.
enum class AuthVerdict { ok, bad_credentials, temporary_failure, rate_limited };

enum class SenderVerdict {
  ok,                 // 250 2.1.0
  not_owned,          // 553 5.7.1: the address is not the logged-in user's
  temporary_failure,  // 451 4.3.0
};

enum class RecipientVerdict {
  ok,                 // 250 2.1.5
  unknown_user,       // 550 5.1.1
  relay_denied,       // 554 5.7.1
  mailbox_full,       // 452 4.2.2
  temporary_failure,  // 451 4.3.0
};

struct StoreResult {
  enum class Kind { stored, temporary_failure, insufficient_storage, rejected, too_many_hops };
  Kind kind = Kind::stored;
  std::string queue_id;  // for "250 2.0.0 Ok: queued as ID"
  static StoreResult ok(std::string id) { return {Kind::stored, std::move(id)}; }
};

}  // namespace hamail::mailsvc::smtp
