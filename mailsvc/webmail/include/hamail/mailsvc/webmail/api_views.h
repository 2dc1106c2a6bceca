// How webmail's answers look: JSON bodies for folders, a sorted page of messages and one
// message; the HTML of a mail inert in a sandbox (CSP: no scripts, no loads but data:
// images); attachments only as downloads. Mail text never goes to a log from here.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmail {

// The policy of a mail's HTML frame: nothing runs, nothing is fetched (remote images,
// CSS url(), fonts, frames, forms), inline styles kept, data: images shown; `sandbox`
// also holds when the frame's URL is opened on its own.
inline constexpr std::string_view kHtmlMailPolicy =
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'";

// A JSON body (invalid UTF-8 in mail replaced, never thrown on), no-store, nosniff.
http::HttpResponse json_response(const nlohmann::json& body, http::Status status = http::Status::ok);

// The messages of `all` in the route's order (ties by uid), the route's page of them.
std::vector<MessageSummary> sort_and_page(std::vector<MessageSummary> all, const MessagesRoute& route);

// The messages whose From or Subject holds `query` (ASCII case ignored).
std::vector<MessageSummary> matching(const std::vector<MessageSummary>& all, std::string_view query);

// One row of a list: {uid, date, from, subject, size, seen, flagged, answered}.
nlohmann::json message_summary_json(const MessageSummary& m);
nlohmann::json folders_json(const std::vector<FolderInfo>& folders);
// {"total", "unread", "offset", "messages": [{uid, date, from, subject, size, seen, flagged, answered}]}
nlohmann::json message_list_json(const std::vector<MessageSummary>& all, const MessagesRoute& route);
// The summary's fields, to, cc, text, has_html, attachments [{part, filename, content_type, size}].
nlohmann::json message_json(const MessageView& view);

// The mail's HTML under kHtmlMailPolicy, text/html; charset=utf-8, no-store, no referrer.
http::HttpResponse html_frame_response(const std::string& html);
// application/octet-stream, Content-Disposition: attachment (RFC 6266 filename*), nosniff.
http::HttpResponse attachment_response(const AttachmentData& data);

}  // namespace hamail::mailsvc::webmail
