// StoreMailAccess's compose side: the original of a reply or forward read for its
// prefill, a sent message or draft appended to Sent / Drafts, a draft expunged.
#include <cstdio>
#include <ctime>
#include <functional>

#include "hamail/mailsvc/mime/message.h"
#include "hamail/mailsvc/mime/part_text.h"
#include "hamail/mailsvc/mime/sort_keys.h"
#include "hamail/mailsvc/store/message_flags.h"
#include "hamail/mailsvc/webmailbackend/store_mail_access.h"

namespace hamail::mailsvc::webmailbackend {

Result<std::optional<std::string>> StoreMailAccess::special_folder(const std::string& user,
                                                                  const std::string& special_use) {
  auto opened = open_folder(user, "");
  if (!opened) return Error{opened.error()};
  auto list = opened->tree.list();
  if (!list) return Error{list.error()};
  for (const store::FolderInfo& f : *list)
    if (f.special_use == special_use && !f.noselect) return std::optional(f.name);
  return std::optional<std::string>();
}

Result<std::optional<webmail::ReplySource>> StoreMailAccess::reply_source(const std::string& user,
                                                                         const std::string& folder,
                                                                         std::uint32_t uid) {
  auto view = message(user, folder, uid);  // text body and attachments, numbered as downloads
  if (!view) return Error{view.error()};
  if (!*view) return std::optional<webmail::ReplySource>();
  auto opened = open_folder(user, folder);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox || !opened->mailbox->message(uid)) return std::optional<webmail::ReplySource>();
  auto path = opened->mailbox->file_path(uid);
  if (!path) return Error{path.error()};
  webmail::ReplySource s;
  s.text_body = std::move((*view)->text_body);
  s.attachments = std::move((*view)->attachments);
  s.date = (*view)->summary.date;
  s.subject = (*view)->summary.subject;
  s.to = (*view)->to;
  s.cc = (*view)->cc;
  // The header again for the fields the view does not keep (From as written, Reply-To, ids).
  std::string bytes;
  {
    FILE* f = std::fopen(path->c_str(), "rb");
    if (!f) return Error{"open " + *path};
    char buf[65536];
    std::size_t n = 0;
    while (bytes.size() < (64u << 10) && (n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    std::fclose(f);
    std::size_t end = bytes.find("\r\n\r\n");
    if (end == std::string::npos) end = bytes.find("\n\n");
    if (end != std::string::npos) bytes.resize(end);
    bytes.append("\r\n\r\n");
  }
  if (auto head = mime::MimeMessage::parse(bytes)) {
    s.from = mime::header_text(head->root(), "From");
    s.reply_to = mime::header_text(head->root(), "Reply-To");
    s.message_id = mime::message_id(*head).value_or("");
    s.references = mime::references(*head);
  }
  return std::optional(std::move(s));
}

Result<std::optional<std::uint32_t>> StoreMailAccess::append_to_special(const std::string& user,
                                                                       const std::string& special_use,
                                                                       const std::string& message,
                                                                       const std::vector<std::string>& flags) {
  auto name = special_folder(user, special_use);
  if (!name) return Error{name.error()};
  if (!*name) return std::optional<std::uint32_t>();
  auto parsed = store::flags_from_names(flags);
  if (!parsed) return Error{parsed.error()};
  auto opened = open_folder(user, **name);
  if (!opened) return Error{opened.error()};
  if (!opened->mailbox) return std::optional<std::uint32_t>();
  auto uid = opened->mailbox->append(message, *parsed, static_cast<std::int64_t>(std::time(nullptr)));
  if (!uid) return Error{uid.error()};
  return std::optional(*uid);
}

Result<bool> StoreMailAccess::expunge_special(const std::string& user, const std::string& special_use,
                                              const std::vector<std::uint32_t>& uids) {
  auto name = special_folder(user, special_use);
  if (!name) return Error{name.error()};
  if (!*name) return false;
  return expunge_known(user, **name, uids);
}

}  // namespace hamail::mailsvc::webmailbackend
