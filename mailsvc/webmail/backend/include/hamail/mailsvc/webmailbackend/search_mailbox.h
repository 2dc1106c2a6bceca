// webmail's search in the messages of one folder: each file read and parsed with mime and
// matched by mime/search.h (the matcher of imapd's SEARCH FROM/SUBJECT/TO/BODY/TEXT), newest
// first, stopping at the request's budget (matches, bytes read, time) with truncated set.
#pragma once

#include <chrono>
#include <functional>

#include "hamail/base/result.h"
#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmailbackend {

// Milliseconds since some fixed point (steady); tests pass their own.
using SearchClock = std::function<std::int64_t()>;
std::int64_t steady_ms();

// An Error only when nothing could be read; an unreadable message (expunged meanwhile) is skipped.
Result<webmail::SearchHits> search_mailbox(store::Mailbox& mailbox, const webmail::MessageSearch& search,
                                           const SearchClock& now_ms = steady_ms);

}  // namespace hamail::mailsvc::webmailbackend
