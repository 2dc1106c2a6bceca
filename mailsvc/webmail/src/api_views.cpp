#include "hamail/mailsvc/webmail/api_views.h"
#include "hamail/mailsvc/webmail/draft_of.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

// Case-insensitive for ASCII; other bytes compared as they are.
int compare_text(const std::string& a, const std::string& b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    int x = std::tolower(static_cast<unsigned char>(a[i])), y = std::tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int compare(const MessageSummary& a, const MessageSummary& b, SortKey key) {
  switch (key) {
    case SortKey::date: return a.date == b.date ? 0 : (a.date < b.date ? -1 : 1);
    case SortKey::from: return compare_text(a.from, b.from);
    case SortKey::subject: return compare_text(a.subject, b.subject);
    case SortKey::size: return a.size == b.size ? 0 : (a.size < b.size ? -1 : 1);
  }
  return 0;
}

json summary_json(const MessageSummary& m) {
  return json{{"uid", m.uid},   {"date", m.date}, {"from", m.from},       {"subject", m.subject},
              {"size", m.size}, {"seen", m.seen}, {"flagged", m.flagged}, {"answered", m.answered}};
}

void add_safety_fields(http::HttpResponse& r) {
  r.add("Cache-Control", "no-store");
  r.add("X-Content-Type-Options", "nosniff");
  r.add("Referrer-Policy", "no-referrer");
}

std::string rfc5987(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

http::HttpResponse json_response(const json& body, http::Status status) {
  http::HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  r.add("Content-Type", "application/json");
  add_safety_fields(r);
  return r;
}

std::vector<MessageSummary> sort_and_page(std::vector<MessageSummary> all, const MessagesRoute& route) {
  std::sort(all.begin(), all.end(), [&](const MessageSummary& a, const MessageSummary& b) {
    int c = compare(a, b, route.sort);
    if (c == 0) c = a.uid == b.uid ? 0 : (a.uid < b.uid ? -1 : 1);
    return route.descending ? c > 0 : c < 0;
  });
  if (route.offset >= all.size()) return {};
  std::size_t end = std::min(all.size(), route.offset + route.limit);
  return std::vector<MessageSummary>(all.begin() + static_cast<std::ptrdiff_t>(route.offset),
                                     all.begin() + static_cast<std::ptrdiff_t>(end));
}

std::vector<MessageSummary> matching(const std::vector<MessageSummary>& all, std::string_view query) {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  std::string needle;
  for (unsigned char c : query) needle.push_back(lower(c));
  auto holds = [&](const std::string& hay) {
    auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                          [&](char a, char b) { return lower(static_cast<unsigned char>(a)) == b; });
    return it != hay.end();
  };
  std::vector<MessageSummary> out;
  for (const MessageSummary& m : all)
    if (holds(m.from) || holds(m.subject)) out.push_back(m);
  return out;
}

json folders_json(const std::vector<FolderInfo>& folders) {
  json list = json::array();
  for (const FolderInfo& f : folders)
    list.push_back({{"name", f.name}, {"special_use", f.special_use}, {"total", f.total}, {"unread", f.unread}});
  return json{{"folders", list}};
}

json message_list_json(const std::vector<MessageSummary>& all, const MessagesRoute& route) {
  std::size_t unread = std::count_if(all.begin(), all.end(), [](const MessageSummary& m) { return !m.seen; });
  json page = json::array();
  for (const MessageSummary& m : sort_and_page(all, route)) page.push_back(summary_json(m));
  return json{{"total", all.size()}, {"unread", unread}, {"offset", route.offset}, {"messages", page}};
}

json message_json(const MessageView& view) {
  json j = summary_json(view.summary);
  j["to"] = view.to;
  j["cc"] = view.cc;
  j["bcc"] = view.bcc;
  j["in_reply_to"] = view.in_reply_to;
  j["references"] = view.references;
  if (auto of = parse_draft_of(view.draft_of))
    j["reply_to_message"] = {{"folder", of->folder}, {"uid", of->uid}, {"forward", of->forward}};
  j["text"] = view.text_body;
  j["has_html"] = view.html_body.has_value();
  json parts = json::array();
  for (const AttachmentInfo& a : view.attachments)
    parts.push_back({{"part", a.part}, {"filename", a.filename}, {"content_type", a.content_type}, {"size", a.size}});
  j["attachments"] = parts;
  return j;
}

http::HttpResponse html_frame_response(const std::string& html) {
  http::HttpResponse r;
  r.body = html;
  r.add("Content-Type", "text/html; charset=utf-8");
  r.add("Content-Security-Policy", std::string(kHtmlMailPolicy));
  add_safety_fields(r);
  return r;
}

http::HttpResponse attachment_response(const AttachmentData& data) {
  http::HttpResponse r;
  r.body = data.bytes;
  r.add("Content-Type", "application/octet-stream");
  std::string name = data.filename.empty() ? "attachment" : data.filename;
  r.add("Content-Disposition", "attachment; filename*=UTF-8''" + rfc5987(name));
  r.add("Content-Security-Policy", "sandbox; default-src 'none'");
  add_safety_fields(r);
  return r;
}

}  // namespace hamail::mailsvc::webmail

namespace hamail::mailsvc::webmail {

json message_summary_json(const MessageSummary& m) { return summary_json(m); }

}  // namespace hamail::mailsvc::webmail
