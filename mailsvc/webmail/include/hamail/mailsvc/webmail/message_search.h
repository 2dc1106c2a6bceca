// A search that reads the messages (scope from/subject/to/body/all): the route turned into
// a bounded MessageSearch for the backend, and its hits answered as the usual sorted page
// plus "truncated" (the budget ran out before the folder did).
#pragma once

#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmail {

// The budget of one search request (the pool thread it holds, the bytes it reads).
inline constexpr std::size_t kSearchMaxMatches = 500;
inline constexpr std::uint64_t kSearchMaxBytes = 256u << 20;
inline constexpr std::int64_t kSearchMaxMs = 3000;

// The backend's request for a route whose scope is not from_subject.
MessageSearch message_search(const SearchRoute& route);

// On the pool: the backend's hits, their summaries sorted and paged as GET .../messages,
// {"total", "unread", "offset", "messages", "truncated"}; 404 / 500 as the other routes.
http::HttpResponse run_message_search(const std::string& user, const SearchRoute& route, MailAccess& mail);

}  // namespace hamail::mailsvc::webmail
