#include "hamail/mailsvc/webmail/reply_prefill.h"

#include <algorithm>

#include "hamail/mailsvc/smtp/headers.h"
#include "hamail/mailsvc/webmail/header_encoding.h"
#include "hamail/mailsvc/webmail/outgoing_mail_json.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The parseable addresses of a list ("a, B <b@x>"); the rest are left out.
std::vector<MailAddress> addresses(const std::string& list) {
  std::vector<MailAddress> out;
  for (std::string_view one : split_addresses(list))
    if (auto a = parse_mail_address(one)) out.push_back(std::move(*a));
  return out;
}

// Appends `from` to `to`, leaving out the user and addresses already in `seen`.
void add_addresses(const std::vector<MailAddress>& from, const std::string& user, std::vector<std::string>& seen,
                   json& to) {
  for (const MailAddress& a : from) {
    std::string key = lower(a.address);
    if (key == lower(user) || std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    to.push_back(a.name.empty() ? a.address : "\"" + a.name + "\" <" + a.address + ">");
  }
}

std::string quoted(const std::string& text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line = std::string_view(text).substr(pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out += line.empty() || line.front() == '>' ? ">" : "> ";
    out += line;
    out += '\n';
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::string prefixed_subject(const std::string& subject, std::string_view prefix) {
  std::string p = lower(prefix.substr(0, prefix.find(':') + 1));  // "re:" / "fwd:"
  std::string head = lower(subject.substr(0, p.size()));
  if (head == p || (p == "fwd:" && lower(subject.substr(0, 3)) == "fw:")) return subject;
  return std::string(prefix) + subject;
}

json reply_prefill(const ReplySource& original, const ReplyRoute& route, const std::string& user) {
  json to = json::array(), cc = json::array();
  std::vector<std::string> seen;
  bool forward = route.mode == ReplyMode::forward;
  if (!forward) {
    const std::string& back = original.reply_to.empty() ? original.from : original.reply_to;
    std::vector<MailAddress> first = addresses(back);
    if (route.mode == ReplyMode::reply && !first.empty()) first.resize(1);
    add_addresses(first, user, seen, to);
    if (route.mode == ReplyMode::all) {
      add_addresses(addresses(original.to), user, seen, to);
      add_addresses(addresses(original.cc), user, seen, cc);
    }
  }
  std::vector<std::string> refs = original.references;
  if (!original.message_id.empty()) refs.push_back(original.message_id);
  if (refs.size() > kMaxReferences) refs.erase(refs.begin(), refs.end() - kMaxReferences);
  std::string references;
  for (const std::string& r : refs) references += (references.empty() ? "" : " ") + r;

  std::string date = smtp::format_rfc5322_date(original.date, 0);
  std::string text;
  json attachments = json::array();
  if (forward) {
    text = "\n\n-------- Forwarded message --------\nFrom: " + original.from + "\nDate: " + date +
           "\nSubject: " + original.subject + "\nTo: " + original.to + "\n" +
           (original.cc.empty() ? "" : "Cc: " + original.cc + "\n") + "\n" + original.text_body;
    for (const AttachmentInfo& a : original.attachments)
      attachments.push_back({{"folder", route.folder}, {"uid", route.uid}, {"part", a.part}, {"filename", a.filename},
                             {"content_type", a.content_type}, {"size", a.size}});
  } else {
    text = "\n\nOn " + date + ", " + original.from + " wrote:\n" + quoted(original.text_body);
  }
  json out{{"to", to},
           {"cc", cc},
           {"subject", prefixed_subject(original.subject, forward ? "Fwd: " : "Re: ")},
           {"text", text},
           {"in_reply_to", forward ? "" : original.message_id},
           {"references", forward ? "" : references},
           {"attachments", attachments},
           {"reply_to_message", {{"folder", route.folder}, {"uid", route.uid}, {"forward", forward}}}};
  return out;
}

}  // namespace hamail::mailsvc::webmail
