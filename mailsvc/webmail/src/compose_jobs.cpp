#include "hamail/mailsvc/webmail/compose_jobs.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hamail/mailsvc/webmail/api_gate.h"
#include "hamail/mailsvc/webmail/api_views.h"
#include "hamail/mailsvc/webmail/message_builder.h"
#include "hamail/mailsvc/webmail/reply_prefill.h"

namespace hamail::mailsvc::webmail {
namespace {

using json = nlohmann::json;
using http::Status;

// Forwarded parts (by reference) become uploaded ones: read from the store, bounded with
// the uploads. An error answer when one is missing or too large.
std::optional<http::HttpResponse> resolve_refs(const std::string& user, OutgoingMail& m, MailAccess& mail) {
  std::size_t total = 0;
  for (const UploadedAttachment& a : m.attachments) total += a.bytes.size();
  for (const AttachmentRef& ref : m.attachment_refs) {
    auto view = mail.message(user, ref.folder, ref.uid);
    if (!view) return json_error(Status::internal_server_error, "mail store error");
    std::string type = "application/octet-stream";
    bool found = false;
    if (*view)
      for (const AttachmentInfo& info : (*view)->attachments)
        if (info.part == ref.part) {
          type = info.content_type;
          found = true;
        }
    if (!found) return json_error(Status::not_found, "a forwarded attachment is gone");
    auto data = mail.attachment(user, ref.folder, ref.uid, ref.part);
    if (!data) return json_error(Status::internal_server_error, "mail store error");
    if (!*data) return json_error(Status::not_found, "a forwarded attachment is gone");
    total += (*data)->bytes.size();
    if (total > kMaxAttachmentBytes) return json_error(Status::payload_too_large, "attachments: more than 25 MiB");
    m.attachments.push_back(UploadedAttachment{std::move((*data)->filename), std::move(type), std::move((*data)->bytes)});
  }
  m.attachment_refs.clear();
  return std::nullopt;
}

MessageStamp stamp_for(const MailJob& job, const std::string& hostname) {
  MessageStamp s;
  s.from = MailAddress{"", job.user};
  s.date_unix = job.now_ms / 1000;
  std::string_view u = job.unique;
  s.message_id = "<" + std::string(u.substr(0, 32)) + "@" + hostname + ">";
  s.boundary = std::string(u.substr(32));
  return s;
}

std::vector<std::string> envelope_recipients(const OutgoingMail& m) {
  std::vector<std::string> out, lowered;
  for (const auto* list : {&m.to, &m.cc, &m.bcc})
    for (const MailAddress& a : *list) {
      std::string key = a.address;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (std::find(lowered.begin(), lowered.end(), key) != lowered.end()) continue;
      lowered.push_back(key);
      out.push_back(a.address);
    }
  return out;
}

std::string host_of(const std::string& user) {
  std::size_t at = user.rfind('@');
  return at == std::string::npos ? "localhost" : user.substr(at + 1);
}

}  // namespace

JobOutcome send_job(const MailJob& job, const SendRoute& route, MailAccess& mail, MailSubmitter* submitter) {
  if (submitter == nullptr) return json_error(Status::service_unavailable, "sending is not configured");
  if (job.password.empty()) return json_error(Status::unauthorized, "log in again to send");
  OutgoingMail m = route.mail;
  if (auto refused = resolve_refs(job.user, m, mail)) return std::move(*refused);
  MessageStamp stamp = stamp_for(job, submitter->hostname());
  SubmitReply reply = submitter->submit(job.user, job.password, job.user, envelope_recipients(m),
                                        build_message(m, stamp, BccHeader::omit));
  if (!reply.accepted) {
    Status s = reply.code / 100 == 5 ? Status::unprocessable_content : Status::bad_gateway;
    http::HttpResponse r = json_response(
        json{{"error", "not sent: " + reply.text}, {"smtp_code", reply.code}, {"smtp_reply", reply.text}}, s);
    return r;
  }
  // Sent: the mail is out; what follows only records it, and a failure is reported, not fatal.
  auto sent = mail.append_to_special(job.user, "\\Sent", build_message(m, stamp, BccHeader::keep), {"\\Seen"});
  bool saved = sent && *sent;
  if (m.reply_uid != 0)
    (void)mail.set_flag(job.user, m.reply_folder, m.reply_uid, m.forward ? "$Forwarded" : "\\Answered",
                        FlagChange::set);
  if (m.draft_uid != 0) (void)mail.expunge_special(job.user, "\\Drafts", {m.draft_uid});
  return json_response(json{{"ok", true}, {"message_id", stamp.message_id}, {"saved_to_sent", saved}});
}

JobOutcome draft_job(const MailJob& job, const DraftRoute& route, MailAccess& mail) {
  OutgoingMail m = route.mail;
  if (auto refused = resolve_refs(job.user, m, mail)) return std::move(*refused);
  MessageStamp stamp = stamp_for(job, host_of(job.user));
  auto uid = mail.append_to_special(job.user, "\\Drafts", build_message(m, stamp, BccHeader::draft),
                                    {"\\Draft", "\\Seen"});
  if (!uid) return json_error(Status::internal_server_error, "mail store error");
  if (!*uid) return json_error(Status::not_found, "no Drafts folder");
  if (m.draft_uid != 0 && m.draft_uid != **uid) (void)mail.expunge_special(job.user, "\\Drafts", {m.draft_uid});
  return json_response(json{{"ok", true}, {"uid", **uid}});
}

JobOutcome reply_job(const MailJob& job, const ReplyRoute& route, MailAccess& mail) {
  auto source = mail.reply_source(job.user, route.folder, route.uid);
  if (!source) return json_error(Status::internal_server_error, "mail store error");
  if (!*source) return json_error(Status::not_found, "no such folder or message");
  return json_response(reply_prefill(**source, route, job.user));
}

}  // namespace hamail::mailsvc::webmail
