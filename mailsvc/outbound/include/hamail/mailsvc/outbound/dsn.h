// The bounce (delivery status notification, RFC 3464 / RFC 3462 multipart/report) smtpd
// sends to the original sender when recipients fail for good or the queue lifetime ends.
// Pure: time and ids come in; the caller queues the text with the null reverse path <>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::outbound {

struct FailedRecipient {
  std::string address;
  std::string status;       // "5.1.1" (RFC 3463; class 4 or 5; anything else is written 5.0.0)
  std::string diagnostic;   // "smtp; 550 5.1.1 no such user" or "x-hamail; queue lifetime expired: ..."
  std::string remote_mta;   // "mx.example.net[192.0.2.1]:25", "mx.example.net" or "" (never connected)
  std::int64_t last_attempt_unix = 0;  // 0: no Last-Attempt-Date field
};

struct BounceInput {
  std::string reporting_host;        // our hostname: MAILER-DAEMON@host, Reporting-MTA
  std::string original_queue_id;
  std::string original_from;         // the bounce's recipient; never empty (no bounce for <>)
  std::string original_message_id;   // "<id@host>", may be empty
  std::int64_t arrival_unix = 0;
  std::int64_t now_unix = 0;
  int utc_offset_minutes = 0;
  std::string bounce_message_id;     // "<id@host>" (brackets added when missing)
  std::string boundary_seed;         // e.g. the bounce's queue id
  std::vector<FailedRecipient> recipients;
  std::string original_message;      // full text, CRLF; only its header section is returned
};

// The whole message, CRLF line ends, no line over 998 octets: headers (Date, From:
// Mail Delivery System <MAILER-DAEMON@host>, To, Subject: Undelivered Mail Returned to
// Sender, Message-ID, Auto-Submitted: auto-replied, MIME-Version, Content-Type
// multipart/report), then text/plain (the explanation, one paragraph per recipient),
// message/delivery-status and text/rfc822-headers (the original header section, at
// most 64 KiB). Untrusted text (diagnostics, addresses, headers) is cleaned of CR/LF
// and folded or cut. 8-bit text (SMTPUTF8 mail) is marked Content-Transfer-Encoding:
// 8bit; the delivery-status fields are kept ASCII ('?' for other octets).
std::string build_bounce(const BounceInput& in);

// "smtp; " + the reply with its lines joined by spaces, control octets removed, at most
// 900 octets: the Diagnostic-Code of a recipient the remote server refused.
std::string diagnostic_for_smtp_reply(std::string_view reply_text);

// The boundary build_bounce tries at `attempt` (0, 1, ...): "=_hamail_<seed letters and
// digits, <= 24>_<16 hex digits>". Exposed for tests; build_bounce takes the first that
// occurs nowhere in the parts (after 16 tries it removes the last one from the parts).
std::string dsn_boundary_candidate(std::string_view seed, unsigned attempt);

}  // namespace hamail::mailsvc::outbound
