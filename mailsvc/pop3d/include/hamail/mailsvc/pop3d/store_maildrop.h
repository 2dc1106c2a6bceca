// The POP3 Maildrop over a Maildir (store/): a snapshot of new/ + cur/ in UID order,
// UIDL = UIDVALIDITY and UID from the maildir's own `hamail-uids` map (so it survives
// restarts and failovers), bounded reads, deletions at QUIT. Opening takes an
// exclusive non-blocking flock on Maildir/hamail-pop3.lock; destroying it releases it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/mailsvc/daemon/mail_metrics.h"
#include "hamail/mailsvc/pop3/maildrop.h"
#include "hamail/mailsvc/store/maildir.h"

namespace hamail::mailsvc::pop3d {

// "0065a1b2c3000000002a": UIDVALIDITY and UID, 8 hex digits each (Dovecot's form).
std::string format_uidl(std::uint32_t uidvalidity, std::uint32_t uid);

// The size a message has as POP3 sends it: every bare LF counted as CRLF.
Result<std::uint64_t> crlf_size(const std::string& path, std::uint64_t max_bytes);

// pop3d's metrics counted with the records message_read and message_deleted.
struct MaildropCounters {
  daemon::Counter retrieved;
  daemon::Counter deleted;
};

class StoreMaildrop : public pop3::Maildrop {
 public:
  static constexpr const char* kLockFile = "hamail-pop3.lock";

  struct Opened {
    bool locked = false;                     // another session holds the maildrop
    std::unique_ptr<StoreMaildrop> maildrop;  // set when opened
  };
  // Creates the Maildir when missing. log_user and the logger are for the
  // per-message records (message_read, message_deleted), which `counters` count.
  static Result<Opened> open(const std::string& path, std::uint64_t max_message_bytes, const Logger& log,
                             std::string log_user, std::string session_id, MaildropCounters counters = {});
  ~StoreMaildrop() override;
  StoreMaildrop(const StoreMaildrop&) = delete;
  StoreMaildrop& operator=(const StoreMaildrop&) = delete;

  const std::vector<pop3::MessageInfo>& messages() const override { return infos_; }
  Result<std::string> read(std::size_t index) override;
  Status commit_deletions(const std::vector<std::size_t>& indexes) override;

 private:
  StoreMaildrop(store::Maildir dir, int lock_fd, std::uint64_t max_bytes, const Logger& log, std::string user,
                std::string session_id, MaildropCounters counters)
      : dir_(std::move(dir)), lock_fd_(lock_fd), max_bytes_(max_bytes), log_(log), user_(std::move(user)),
        session_id_(std::move(session_id)), counters_(counters) {}
  Status load_snapshot();

  store::Maildir dir_;
  int lock_fd_ = -1;
  std::uint64_t max_bytes_;
  const Logger& log_;
  std::string user_;
  std::string session_id_;
  MaildropCounters counters_;
  std::vector<std::string> names_;  // file name per message, same order as infos_
  std::vector<pop3::MessageInfo> infos_;
};

}  // namespace hamail::mailsvc::pop3d
