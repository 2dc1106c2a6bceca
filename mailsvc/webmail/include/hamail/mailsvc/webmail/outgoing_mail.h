// A message the user composed in webmail, as /api/send and /api/drafts read it from
// JSON: recipients, subject, text, the reply's references and the attachments (uploaded
// as base64, or by reference to a part of a stored message for a forward). Checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hamail::mailsvc::webmail {

struct MailAddress {
  std::string name;     // display name, UTF-8, may be empty
  std::string address;  // local@domain, checked with smtp::valid_mailbox
};

struct UploadedAttachment {
  std::string filename;      // UTF-8, no path
  std::string content_type;  // "type/subtype", else application/octet-stream
  std::string bytes;         // decoded
};

struct AttachmentRef {  // a part of a stored message (a forward)
  std::string folder;
  std::uint32_t uid = 0;
  std::uint32_t part = 0;
};

struct OutgoingMail {
  std::vector<MailAddress> to, cc, bcc;
  std::string subject;
  std::string text;
  std::string in_reply_to;             // "<id@host>" or empty
  std::string references;              // "<a@h> <b@h>" or empty
  std::vector<UploadedAttachment> attachments;
  std::vector<AttachmentRef> attachment_refs;
  // Which stored message this answers or forwards (its flag is set after sending).
  std::string reply_folder;
  std::uint32_t reply_uid = 0;
  bool forward = false;
  std::uint32_t draft_uid = 0;         // a draft to remove from Drafts once sent
};

inline constexpr std::size_t kMaxRecipients = 100;
inline constexpr std::size_t kMaxAttachments = 20;
inline constexpr std::size_t kMaxAttachmentBytes = 25u << 20;  // decoded, all together
inline constexpr std::size_t kMaxSubjectBytes = 998;
inline constexpr std::size_t kMaxTextBytes = 4u << 20;

}  // namespace hamail::mailsvc::webmail
