// Pure helpers for the header lines smtpd adds: the Received trace line (RFC 5321
// 4.4, "with" types of RFC 3848), and Message-ID / Date for submissions that lack
// them (RFC 5322 3.6). The caller supplies the time and ids: nothing reads a clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/mailsvc/smtp/actions.h"

namespace hamail::mailsvc::smtp {

// "Tue, 1 Jul 2003 10:52:37 +0200" for a Unix time and the local offset in minutes.
std::string format_rfc5322_date(std::int64_t unix_seconds, int utc_offset_minutes);

// SMTP, ESMTP, ESMTPA, ESMTPS, ESMTPSA, UTF8SMTP, UTF8SMTPA, UTF8SMTPS, UTF8SMTPSA.
std::string with_protocol(const Envelope& envelope);

struct ReceivedInfo {
  std::string client_ip;     // "192.0.2.7" or "IPv6:2001:db8::7"
  std::string client_rdns;   // may be empty ("unknown" is written)
  std::string server_host;
  std::string queue_id;
  std::int64_t unix_seconds = 0;
  int utc_offset_minutes = 0;
};

// A complete, folded "Received: ...\r\n" field. The recipient ("for <x>") is named only
// when there is exactly one, so Bcc recipients are not disclosed to each other. A control
// character in any part (CR, LF, NUL, ...) is written as '?': the field is always one
// folded field, whatever the caller passes.
std::string received_header(const Envelope& envelope, const ReceivedInfo& info);

// "<queue_id@host>"
std::string make_message_id(std::string_view queue_id, std::string_view host);

// Which of the two fields the header section already has (names are case-insensitive;
// the header section ends at the first empty line, or the end of the message).
struct HeaderPresence {
  bool message_id = false;
  bool date = false;
};
HeaderPresence scan_headers(std::string_view message);

// The message with "Message-ID:" and/or "Date:" fields prepended where missing.
std::string add_missing_submission_headers(std::string_view message, std::string_view message_id,
                                           std::string_view date);

}  // namespace hamail::mailsvc::smtp
