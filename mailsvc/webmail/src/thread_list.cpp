#include "hamail/mailsvc/webmail/thread_list.h"

#include <algorithm>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/api_views.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

http::HttpResponse store_error() { return json_error(http::Status::internal_server_error, "mail store error"); }
http::HttpResponse not_found() { return json_error(http::Status::not_found, "no such folder or message"); }

std::map<std::uint32_t, const MessageSummary*> by_uid(const std::vector<MessageSummary>& summaries) {
  std::map<std::uint32_t, const MessageSummary*> out;
  for (const MessageSummary& m : summaries) out[m.uid] = &m;
  return out;
}

}  // namespace

std::vector<ConversationRow> conversation_rows(const std::vector<Conversation>& conversations,
                                               const std::vector<MessageSummary>& summaries) {
  auto index = by_uid(summaries);
  std::vector<ConversationRow> rows;
  for (const Conversation& c : conversations) {
    ConversationRow r;
    for (const ThreadMember& member : c) {
      auto it = index.find(member.uid);
      if (it == index.end()) continue;
      const MessageSummary& m = *it->second;
      if (r.count == 0) {
        r.row = m;
        r.row.size = 0;
        r.row.seen = true;
        r.row.flagged = false;
      }
      ++r.count;
      if (!m.seen) ++r.unread;
      r.row.date = std::max(r.row.date, m.date);
      r.row.size += m.size;
      r.row.seen = r.row.seen && m.seen;
      r.row.flagged = r.row.flagged || m.flagged;
    }
    if (r.count) rows.push_back(std::move(r));
  }
  return rows;
}

json thread_list_json(const std::vector<ConversationRow>& rows, const MessagesRoute& route) {
  std::vector<MessageSummary> flat;
  std::map<std::uint32_t, const ConversationRow*> index;
  std::size_t unread = 0;
  for (const ConversationRow& r : rows) {
    flat.push_back(r.row);
    index[r.row.uid] = &r;
    unread += r.unread;
  }
  json page = json::array();
  for (const MessageSummary& m : sort_and_page(std::move(flat), route)) {
    json j = message_summary_json(m);
    j["count"] = index[m.uid]->count;
    j["unread"] = index[m.uid]->unread;
    page.push_back(std::move(j));
  }
  return json{{"total", rows.size()}, {"unread", unread}, {"offset", route.offset}, {"threads", true},
              {"messages", page}};
}

namespace {

struct FolderThreads {
  std::vector<MessageSummary> messages;
  std::vector<Conversation> conversations;
};

// The folder's messages and conversations into OUT, or the answer when either is unreadable.
std::optional<http::HttpResponse> load_threads(const std::string& user, const std::string& folder, MailAccess& mail,
                                               FolderThreads& out) {
  auto all = mail.messages(user, folder);
  if (!all) return store_error();
  if (!*all) return not_found();
  auto conversations = mail.conversations(user, folder);
  if (!conversations) return store_error();
  if (!*conversations) return not_found();
  out = {std::move(**all), std::move(**conversations)};
  return std::nullopt;
}

}  // namespace

http::HttpResponse run_thread_list(const std::string& user, const MessagesRoute& route, MailAccess& mail) {
  FolderThreads t;
  if (auto refused = load_threads(user, route.folder, mail, t)) return *refused;
  return json_response(thread_list_json(conversation_rows(t.conversations, t.messages), route));
}

http::HttpResponse run_thread(const std::string& user, const ThreadRoute& route, MailAccess& mail) {
  FolderThreads t;
  if (auto refused = load_threads(user, route.folder, mail, t)) return *refused;
  auto index = by_uid(t.messages);
  if (!index.contains(route.uid)) return not_found();
  for (const Conversation& c : t.conversations) {
    if (std::none_of(c.begin(), c.end(), [&](const ThreadMember& m) { return m.uid == route.uid; })) continue;
    json list = json::array();
    for (const ThreadMember& member : c) {
      auto it = index.find(member.uid);
      if (it == index.end()) continue;
      json j = message_summary_json(*it->second);
      j["depth"] = member.depth;
      list.push_back(std::move(j));
    }
    return json_response(json{{"messages", list}});
  }
  return not_found();
}

}  // namespace hamail::mailsvc::webmail
