// webmail's MailAccess over the mail server's own libraries: users::UserDbCache for the
// login, store::MailboxTree / Mailbox for folders, UIDs and flags (the index and locks
// imapd uses), mime for reading. Blocking: called on the pool. Safe to share between
// pool threads (each call opens its own Mailbox; the summary cache has a mutex).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <tuple>

#include "hamail/mailsvc/store/mailbox.h"
#include "hamail/mailsvc/store/mailbox_tree.h"
#include "hamail/mailsvc/users/user_db_cache.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmailbackend {

using webmail::AttachmentData;
using webmail::FlagChange;
using webmail::FolderInfo;
using webmail::MessageSummary;
using webmail::MessageView;

struct ThreadKeyCache;  // conversations.cpp

class StoreMailAccess : public webmail::MailAccess {
 public:
  // mail_root as the daemons have it (Maildirs under maildirs/, users under etc/).
  explicit StoreMailAccess(std::string mail_root);

  Result<bool> verify_login(const std::string& user, const std::string& password) override;
  Result<std::vector<FolderInfo>> folders(const std::string& user) override;
  Result<std::optional<std::vector<MessageSummary>>> messages(const std::string& user,
                                                              const std::string& folder) override;
  Result<std::optional<MessageView>> message(const std::string& user, const std::string& folder,
                                             std::uint32_t uid) override;
  Result<std::optional<AttachmentData>> attachment(const std::string& user, const std::string& folder,
                                                   std::uint32_t uid, std::uint32_t part) override;
  Result<bool> set_flag(const std::string& user, const std::string& folder, std::uint32_t uid,
                        const std::string& flag, FlagChange change) override;
  Result<bool> move(const std::string& user, const std::string& folder, const std::vector<std::uint32_t>& uids,
                    const std::string& to) override;
  Result<bool> remove(const std::string& user, const std::string& folder,
                      const std::vector<std::uint32_t>& uids) override;
  // In conversations.cpp: THREAD=REFERENCES over the folder's header keys (cached).
  Result<std::optional<std::vector<webmail::Conversation>>> conversations(const std::string& user,
                                                                          const std::string& folder) override;
  // In message_search.cpp: search_mailbox() on the open folder.
  Result<std::optional<webmail::SearchHits>> search(const std::string& user, const std::string& folder,
                                                    const webmail::MessageSearch& search) override;

  // Compose (store_compose.cpp).
  Result<std::optional<webmail::ReplySource>> reply_source(const std::string& user, const std::string& folder,
                                                           std::uint32_t uid) override;
  Result<std::optional<std::uint32_t>> append_to_special(const std::string& user, const std::string& special_use,
                                                         const std::string& message,
                                                         const std::vector<std::string>& flags) override;
  Result<bool> expunge_special(const std::string& user, const std::string& special_use,
                               const std::vector<std::uint32_t>& uids) override;

  // Summaries read from headers, kept by (folder path, uidvalidity, uid): a message's
  // header never changes under its UID. Bounded: cleared whole past this many.
  static constexpr std::size_t kMaxCachedSummaries = 200000;

 private:
  // The header part of a summary (no flags, with size and date) when cached: a message's
  // file never changes under its UID, so a cached one needs no stat.
  std::optional<MessageSummary> cached_summary(const std::string& folder_path, std::uint32_t uidvalidity,
                                               std::uint32_t uid);
  // The header part of a summary (no flags), from the file or the cache.
  Result<MessageSummary> header_summary(const std::string& folder_path, std::uint32_t uidvalidity,
                                        std::uint32_t uid, const std::string& file, std::uint64_t size,
                                        std::int64_t internal_date);

  // A folder's Mailbox kept open between requests (as an imapd session keeps its
  // selected one): refresh() is then a stat when nothing changed. One request at a time
  // uses it (its mutex); past kMaxOpenMailboxes the ones not in use are closed.
  struct OpenMailbox {
    std::mutex mutex;
    std::optional<store::Mailbox> mailbox;
  };
  struct Opened {
    store::MailboxTree tree;
    std::shared_ptr<OpenMailbox> box;
    std::unique_lock<std::mutex> lock;
    store::Mailbox* mailbox = nullptr;  // null: no such folder
  };
  static constexpr std::size_t kMaxOpenMailboxes = 256;
  // The user's folder, refreshed, held for this request.
  Result<Opened> open_folder(const std::string& user, const std::string& folder);
  // The name of the user's selectable folder with this special use; nullopt: none.
  Result<std::optional<std::string>> special_folder(const std::string& user, const std::string& special_use);
  // Expunges those of UIDS the folder holds: false when it holds none (or no such folder).
  Result<bool> expunge_known(const std::string& user, const std::string& folder,
                             const std::vector<std::uint32_t>& uids);

  std::string mail_root_;
  std::mutex boxes_mutex_;
  std::map<std::string, std::shared_ptr<OpenMailbox>> boxes_;
  users::UserDbCache users_;
  std::mutex thread_keys_mutex_;
  std::shared_ptr<ThreadKeyCache> thread_keys_;  // made at the first conversations()
  std::mutex cache_mutex_;
  std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, MessageSummary> cache_;
};

}  // namespace hamail::mailsvc::webmailbackend
