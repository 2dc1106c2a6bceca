#include "hamail/mailsvc/webmail/outgoing_mail_json.h"

#include <nlohmann/json.hpp>

#include "hamail/mailsvc/smtp/path.h"
#include "hamail/mailsvc/wire/base64.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

RouteError bad(std::string message) { return RouteError{400, std::move(message)}; }

bool has_line_break(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != s.npos; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A string field (absent = empty). Header fields may hold no line break.
std::optional<RouteError> string_field(const json& j, const char* key, std::size_t max, bool header,
                                       std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return bad(std::string(key) + ": not a string");
  out = it->get<std::string>();
  if (out.size() > max) return bad(std::string(key) + ": too long");
  if (header && has_line_break(out)) return bad(std::string(key) + ": line break not allowed");
  return std::nullopt;
}

}  // namespace

std::vector<std::string_view> split_addresses(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  int angle = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    char c = i < s.size() ? s[i] : ',';
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '<') ++angle;
    if (!quoted && c == '>') --angle;
    if (c == ',' && !quoted && angle <= 0) {
      if (!trim(s.substr(start, i - start)).empty()) out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

namespace {

std::optional<RouteError> address_field(const json& j, const char* key, std::vector<MailAddress>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  std::vector<std::string> items;
  if (it->is_string()) {
    items.push_back(it->get<std::string>());
  } else if (it->is_array() && it->size() <= kMaxRecipients) {
    for (const json& e : *it) {
      if (!e.is_string()) return bad(std::string(key) + ": not a list of strings");
      items.push_back(e.get<std::string>());
    }
  } else {
    return bad(std::string(key) + ": not a string or a list");
  }
  for (const std::string& item : items) {
    if (item.size() > 4096) return bad(std::string(key) + ": too long");
    if (has_line_break(item)) return bad(std::string(key) + ": line break not allowed");
    for (std::string_view one : split_addresses(item)) {
      auto a = parse_mail_address(one);
      if (!a) return bad(std::string(key) + ": bad address " + std::string(one.substr(0, 100)));
      if (out.size() >= kMaxRecipients) return bad(std::string(key) + ": too many addresses");
      out.push_back(std::move(*a));
    }
  }
  return std::nullopt;
}

bool valid_content_type(std::string_view t) {
  std::size_t slash = t.find('/');
  if (slash == t.npos || slash == 0 || slash + 1 == t.size() || t.size() > 127) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$&^_.+-").find(c) != std::string_view::npos || (c == '/' && i == slash);
    if (!ok) return false;
  }
  return true;
}

std::optional<RouteError> attachments_field(const json& j, OutgoingMail& m, std::size_t max_bytes) {
  auto it = j.find("attachments");
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_array() || it->size() > kMaxAttachments) return bad("attachments: at most 20");
  std::size_t total = 0;
  for (const json& a : *it) {
    if (!a.is_object()) return bad("attachments: not an object");
    if (a.contains("uid")) {  // by reference: {"folder", "uid", "part"}
      AttachmentRef r;
      if (auto e = string_field(a, "folder", kMaxFolderNameBytes, true, r.folder)) return e;
      auto uid = a.find("uid");
      auto part = a.find("part");
      if (r.folder.empty() || !uid->is_number_unsigned() || part == a.end() || !part->is_number_unsigned())
        return bad("attachments: a reference needs folder, uid and part");
      std::uint64_t u = uid->get<std::uint64_t>(), p = part->get<std::uint64_t>();
      if (u == 0 || u > 0xffffffffu || p > 0xffffffffu) return bad("attachments: bad uid or part");
      r.uid = static_cast<std::uint32_t>(u);
      r.part = static_cast<std::uint32_t>(p);
      m.attachment_refs.push_back(std::move(r));
      continue;
    }
    UploadedAttachment u;
    std::string data;
    if (auto e = string_field(a, "filename", 255, true, u.filename)) return bad("attachment filename: " + e->message);
    if (auto e = string_field(a, "content_type", 127, true, u.content_type)) return bad("attachment content_type: " + e->message);
    if (auto e = string_field(a, "data", max_bytes / 3 * 4 + 8, false, data)) return bad("attachment data: too large");
    if (u.filename.find_first_of("/\\") != std::string::npos) return bad("attachment filename: no path allowed");
    if (u.filename.empty()) u.filename = "attachment";
    if (u.content_type.empty() || !valid_content_type(u.content_type)) u.content_type = "application/octet-stream";
    auto bytes = wire::base64_decode(data);
    if (!bytes) return bad("attachment data: not base64");
    total += bytes->size();
    if (total > max_bytes) return bad("attachments: more than " + std::to_string(max_bytes >> 20) + " MiB");
    u.bytes = std::move(*bytes);
    m.attachments.push_back(std::move(u));
  }
  if (m.attachments.size() + m.attachment_refs.size() > kMaxAttachments) return bad("attachments: at most 20");
  return std::nullopt;
}

bool valid_msg_ids(std::string_view s) {  // "<a@b> <c@d>": no quoting games in our output
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x21 && c != ' ') return false;
    if (static_cast<unsigned char>(c) >= 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<MailAddress> parse_mail_address(std::string_view text) {
  text = trim(text);
  MailAddress a;
  std::size_t lt = text.rfind('<');
  if (lt != std::string_view::npos) {
    if (text.back() != '>') return std::nullopt;
    std::string_view name = trim(text.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    a.name = std::string(name);
    a.address = std::string(trim(text.substr(lt + 1, text.size() - lt - 2)));
  } else {
    a.address = std::string(text);
  }
  if (a.name.find_first_of("\"\\") != std::string::npos) return std::nullopt;
  if (a.address.empty() || !smtp::valid_mailbox(a.address, false)) return std::nullopt;
  return a;
}

std::variant<OutgoingMail, RouteError> parse_outgoing_mail(std::string_view body, bool need_recipient,
                                                           std::size_t max_attachment_bytes) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("body: not a JSON object");
  OutgoingMail m;
  for (auto [key, list] : {std::pair{"to", &m.to}, std::pair{"cc", &m.cc}, std::pair{"bcc", &m.bcc}})
    if (auto e = address_field(j, key, *list)) return *e;
  if (m.to.size() + m.cc.size() + m.bcc.size() > kMaxRecipients) return bad("to: too many recipients");
  if (need_recipient && m.to.empty() && m.cc.empty() && m.bcc.empty()) return bad("to: no recipient");
  if (auto e = string_field(j, "subject", kMaxSubjectBytes, true, m.subject)) return *e;
  if (auto e = string_field(j, "text", kMaxTextBytes, false, m.text)) return *e;
  if (m.text.find('\0') != std::string::npos) return bad("text: NUL not allowed");
  if (auto e = string_field(j, "in_reply_to", 998, true, m.in_reply_to)) return *e;
  if (auto e = string_field(j, "references", 8000, true, m.references)) return *e;
  if (!valid_msg_ids(m.in_reply_to)) return bad("in_reply_to: bad message id");
  if (!valid_msg_ids(m.references)) return bad("references: bad message id");
  if (auto e = attachments_field(j, m, max_attachment_bytes)) return *e;
  if (auto it = j.find("reply_to_message"); it != j.end() && it->is_object()) {  // {"folder", "uid", "forward"?}
    if (auto e = string_field(*it, "folder", kMaxFolderNameBytes, true, m.reply_folder)) return *e;
    auto uid = it->find("uid");
    if (uid == it->end() || !uid->is_number_unsigned() || uid->get<std::uint64_t>() == 0 ||
        uid->get<std::uint64_t>() > 0xffffffffu || m.reply_folder.empty())
      return bad("reply_to_message: needs folder and uid");
    m.reply_uid = static_cast<std::uint32_t>(uid->get<std::uint64_t>());
    m.forward = it->value("forward", false);
  }
  if (auto it = j.find("draft_uid"); it != j.end() && !it->is_null()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > 0xffffffffu)
      return bad("draft_uid: not a uid");
    m.draft_uid = static_cast<std::uint32_t>(it->get<std::uint64_t>());
  }
  return m;
}

}  // namespace hamail::mailsvc::webmail
