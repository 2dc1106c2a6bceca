// What webmail needs from the mail of one user, as the backend (store, mime, users;
// blocking, on the pool) gives it: login check, folders with counts, message summaries,
// one message for reading, an attachment, flag/move/delete. The core's tests fake it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::webmail {

struct FolderInfo {
  std::string name;         // IMAP name, UTF-8 ("INBOX", "Sent", "Lists/hamail")
  std::string special_use;  // "\\Sent", "\\Trash", ... or empty
  std::uint32_t total = 0;
  std::uint32_t unread = 0;
};

struct MessageSummary {
  std::uint32_t uid = 0;
  std::int64_t date = 0;     // the Date field, UTC seconds (the internal date without one)
  std::string from;          // display name or address, decoded
  std::string subject;       // decoded
  std::uint64_t size = 0;
  bool seen = false;
  bool flagged = false;
  bool answered = false;
};

struct AttachmentInfo {
  std::uint32_t part = 0;    // index for GET .../parts/N
  std::string filename;
  std::string content_type;  // as declared; never used to render
  std::uint64_t size = 0;
};

// An image part with a Content-ID (multipart/related), for the HTML's cid: references.
struct InlineImage {
  std::string content_id;    // without the angle brackets
  std::string content_type;  // lowercase "image/png", ...
  std::string bytes;         // decoded
};

struct MessageView {
  MessageSummary summary;
  std::string to;
  std::string cc;
  // What an edited draft needs back (header texts): Bcc, In-Reply-To, References and
  // X-Hamail-Draft-Of (draft_of.h).
  std::string bcc, in_reply_to, references, draft_of;
  std::string text_body;                 // text/plain, decoded to UTF-8 (or text from the HTML)
  std::optional<std::string> html_body;  // text/html, decoded; served only in the sandbox
  std::vector<AttachmentInfo> attachments;
  std::vector<InlineImage> inline_images;  // bounded by the backend (kMaxInlineImageBytes in all)
};

struct AttachmentData {
  std::string filename;
  std::string bytes;  // decoded
};

enum class FlagChange { set, clear };

// A search in the messages themselves (not the cached summaries), bounded: it stops after
// max_matches hits, max_bytes of messages read or max_ms, whichever comes first, and then
// says truncated. Newest (highest UID) first, so a truncated answer holds the recent ones.
struct MessageSearch {
  enum class Where { from, subject, to, body, all };  // to = To or Cc; all = any field or the body
  Where where = Where::all;
  std::string text;  // matched case-folded on decoded text (mime/search.h, as IMAP SEARCH)
  std::size_t max_matches = 500;
  std::uint64_t max_bytes = 256u << 20;
  std::int64_t max_ms = 3000;
};

struct SearchHits {
  std::vector<std::uint32_t> uids;  // newest first
  bool truncated = false;
  std::size_t scanned = 0;          // messages looked at
};

// What a reply or forward is prefilled from (compose): header fields unfolded and decoded.
struct ReplySource {
  std::string from, reply_to, to, cc;  // address lists as written
  std::string subject;                 // decoded
  std::string message_id;              // "<id@host>" or empty
  std::vector<std::string> references; // "<id@host>" each
  std::int64_t date = 0;
  std::string text_body;
  std::vector<AttachmentInfo> attachments;
};

// nullopt from a lookup = no such folder, message or part (404); an Error = the backend
// failed (500, the message logged by the shell, never mail content).
// One conversation (THREAD=REFERENCES, RFC 5256): its messages depth-first from the
// root, each with its depth (a missing parent's children are at its depth).
struct ThreadMember {
  std::uint32_t uid = 0;
  std::uint32_t depth = 0;
};
using Conversation = std::vector<ThreadMember>;

class MailAccess {
 public:
  virtual ~MailAccess() = default;
  virtual Result<bool> verify_login(const std::string& user, const std::string& password) = 0;
  virtual Result<std::vector<FolderInfo>> folders(const std::string& user) = 0;
  virtual Result<std::optional<std::vector<MessageSummary>>> messages(const std::string& user,
                                                                      const std::string& folder) = 0;
  virtual Result<std::optional<MessageView>> message(const std::string& user, const std::string& folder,
                                                     std::uint32_t uid) = 0;
  virtual Result<std::optional<AttachmentData>> attachment(const std::string& user, const std::string& folder,
                                                           std::uint32_t uid, std::uint32_t part) = 0;
  // `flag` is "\\Seen" or "\\Flagged". false = no such folder or message.
  virtual Result<bool> set_flag(const std::string& user, const std::string& folder, std::uint32_t uid,
                                const std::string& flag, FlagChange change) = 0;
  virtual Result<bool> move(const std::string& user, const std::string& folder, const std::vector<std::uint32_t>& uids,
                            const std::string& to) = 0;
  // To the \Trash folder; in Trash itself: expunged.
  virtual Result<bool> remove(const std::string& user, const std::string& folder,
                              const std::vector<std::uint32_t>& uids) = 0;
  // nullopt = no such folder. A MailAccess without it answers an Error (500).
  virtual Result<std::optional<SearchHits>> search(const std::string& user, const std::string& folder,
                                                   const MessageSearch& search) {
    (void)user, (void)folder, (void)search;
    return Error{"search in messages not supported"};
  }
  // The folder's conversations, every message in one of them; nullopt = no such folder.
  virtual Result<std::optional<std::vector<Conversation>>> conversations(const std::string& user,
                                                                         const std::string& folder) {
    (void)user, (void)folder;
    return Error{"threads not supported"};
  }

  // Compose (issue 19); the defaults say "not supported" so that other fakes need not.
  virtual Result<std::optional<ReplySource>> reply_source(const std::string& user, const std::string& folder,
                                                          std::uint32_t uid);
  // A message into the folder with this special use ("\\Sent", "\\Drafts") with these
  // flags ("\\Seen", "\\Draft"): its uid; nullopt = the user has no such folder.
  virtual Result<std::optional<std::uint32_t>> append_to_special(const std::string& user,
                                                                 const std::string& special_use,
                                                                 const std::string& message,
                                                                 const std::vector<std::string>& flags);
  // Removes these messages from the special-use folder at once (a draft sent or replaced).
  virtual Result<bool> expunge_special(const std::string& user, const std::string& special_use,
                                       const std::vector<std::uint32_t>& uids);
};

}  // namespace hamail::mailsvc::webmail
