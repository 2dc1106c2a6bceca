// What SORT and THREAD order by (RFC 5256): the sent date, the first address's mailbox,
// the base subject, and the message-id fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/mailsvc/mime/message.h"
#include "hamail/mailsvc/mime/thread.h"

namespace hamail::mailsvc::mime {

struct SentDate {
  std::int64_t utc_seconds = 0;  // Unix time
  int offset_minutes = 0;        // the zone the Date: field was written in
  friend bool operator==(const SentDate&, const SentDate&) = default;
};

// The Date: field read by GMime (RFC 5322 and the usual obsolete forms); nullopt when
// absent or unreadable (SORT then uses the internal date, RFC 5256 2.2).
std::optional<SentDate> sent_date(const MimeMessage& msg);

// The mailbox (local part) of the first address in that field (From, To, Cc), decoded;
// nullopt when there is none (RFC 5256: sorts as "").
std::optional<std::string> first_mailbox(const MimeMessage& msg, std::string_view field_name);

// The Subject: decoded (encoded words) to UTF-8; "" when absent.
std::string decoded_subject(const MimeMessage& msg);

// RFC 5256 2.1 base subject of a decoded subject: whitespace runs made one space, then
// trailing "(fwd)", leading "Re:", "Fw:", "Fwd:" (with an optional [blob] before the
// colon), leading [blob]s (when text remains) and a "[Fwd: ...]" wrapper removed, case
// insensitively, until nothing changes. `reply_or_forward` (THREAD=REFERENCES step 5)
// tells whether a Re:/Fwd:, (fwd) or [Fwd: ...] was removed.
std::string base_subject(std::string_view decoded_subject, bool* reply_or_forward = nullptr);

// The first <msg-id> of Message-ID / In-Reply-To, every <msg-id> of References, in order.
std::optional<std::string> message_id(const MimeMessage& msg);
std::optional<std::string> in_reply_to(const MimeMessage& msg);
std::vector<std::string> references(const MimeMessage& msg);

// THREAD's keys of a message into IN (number and a fallback sent_date are the caller's):
// message-id, references, in-reply-to, the base subject ASCII-upper-cased (equal under
// i;ascii-casemap, RFC 5256 2.2) with its reply/forward flag, the Date: when readable.
void read_thread_keys(const MimeMessage& msg, ThreadInput& in);

}  // namespace hamail::mailsvc::mime
