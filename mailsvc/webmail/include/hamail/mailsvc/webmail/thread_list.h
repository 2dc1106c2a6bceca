// The message list by conversation (GET .../messages?threads=1) and one conversation
// (GET .../messages/UID/thread), from the backend's THREAD=REFERENCES groups and the
// folder's summaries: a row per conversation, sorted and paged like messages.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/http/response.h"
#include "hamail/mailsvc/webmail/api_route.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmail {

// A conversation as one row: the root's uid, From and Subject; the date of its newest
// message (so a fresh reply brings it up); seen only when all are; flagged when any is;
// size the sum. `count` and `unread` of its messages.
struct ConversationRow {
  MessageSummary row;
  std::size_t count = 0;
  std::size_t unread = 0;
};

// The rows of the conversations whose messages have summaries (expunged ones left out).
std::vector<ConversationRow> conversation_rows(const std::vector<Conversation>& conversations,
                                               const std::vector<MessageSummary>& summaries);

// {"total": conversations, "unread": unread messages, "offset", "threads": true,
//  "messages": [summary + "count", "unread"]}, sorted and paged by the route.
nlohmann::json thread_list_json(const std::vector<ConversationRow>& rows, const MessagesRoute& route);

// On the pool, with 404 / 500 as the other routes.
http::HttpResponse run_thread_list(const std::string& user, const MessagesRoute& route, MailAccess& mail);
// {"messages": [summary + "depth"]} in thread order (depth-first from the root).
http::HttpResponse run_thread(const std::string& user, const ThreadRoute& route, MailAccess& mail);

}  // namespace hamail::mailsvc::webmail
