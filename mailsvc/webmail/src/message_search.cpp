#include "hamail/mailsvc/webmail/message_search.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/api_views.h"

namespace hamail::mailsvc::webmail {

MessageSearch message_search(const SearchRoute& route) {
  MessageSearch s;
  switch (route.scope) {
    case SearchScope::from: s.where = MessageSearch::Where::from; break;
    case SearchScope::subject: s.where = MessageSearch::Where::subject; break;
    case SearchScope::to: s.where = MessageSearch::Where::to; break;
    case SearchScope::body: s.where = MessageSearch::Where::body; break;
    case SearchScope::all:
    case SearchScope::from_subject: s.where = MessageSearch::Where::all; break;
  }
  s.text = route.query;
  s.max_matches = kSearchMaxMatches;
  s.max_bytes = kSearchMaxBytes;
  s.max_ms = kSearchMaxMs;
  return s;
}

http::HttpResponse run_message_search(const std::string& user, const SearchRoute& route, MailAccess& mail) {
  auto hits = mail.search(user, route.page.folder, message_search(route));
  if (!hits) return json_error(http::Status::internal_server_error, "mail store error");
  if (!*hits) return json_error(http::Status::not_found, "no such folder or message");
  auto all = mail.messages(user, route.page.folder);
  if (!all) return json_error(http::Status::internal_server_error, "mail store error");
  if (!*all) return json_error(http::Status::not_found, "no such folder or message");
  std::vector<std::uint32_t> uids = (*hits)->uids;
  std::sort(uids.begin(), uids.end());
  std::vector<MessageSummary> found;
  for (const MessageSummary& m : **all)
    if (std::binary_search(uids.begin(), uids.end(), m.uid)) found.push_back(m);  // gone since: left out
  nlohmann::json body = message_list_json(found, route.page);
  body["truncated"] = (*hits)->truncated;
  return json_response(body);
}

}  // namespace hamail::mailsvc::webmail
