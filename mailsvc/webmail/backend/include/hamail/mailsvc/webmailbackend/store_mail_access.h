// webmail's MailAccess over the mail server's own libraries: users::UserDbCache for the
// login, store::MailboxTree / Mailbox for folders, UIDs and flags (the index and locks
// imapd uses), mime for reading. Blocking: called on the pool. Safe to share between
// pool threads (each call opens its own Mailbox; the summary cache has a mutex).
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "hamail/mailsvc/users/user_db_cache.h"
#include "hamail/mailsvc/webmail/mail_access.h"

namespace hamail::mailsvc::webmailbackend {

using webmail::AttachmentData;
using webmail::FlagChange;
using webmail::FolderInfo;
using webmail::MessageSummary;
using webmail::MessageView;

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

  // Summaries read from headers, kept by (folder path, uidvalidity, uid): a message's
  // header never changes under its UID. Bounded: cleared whole past this many.
  static constexpr std::size_t kMaxCachedSummaries = 200000;

 private:
  // The header part of a summary (no flags), from the file or the cache.
  Result<MessageSummary> header_summary(const std::string& folder_path, std::uint32_t uidvalidity,
                                        std::uint32_t uid, const std::string& file, std::uint64_t size,
                                        std::int64_t internal_date);

  std::string mail_root_;
  users::UserDbCache users_;
  std::mutex cache_mutex_;
  std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, MessageSummary> cache_;
};

}  // namespace hamail::mailsvc::webmailbackend
