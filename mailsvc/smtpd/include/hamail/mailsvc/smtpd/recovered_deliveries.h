// The local deliveries an earlier smtpd may have committed to a Maildir without recording
// them in the queue (it stopped between the two): the delivery tokens of the pending local
// recipients of every queue entry recovered at start and, per Maildir, after one scan for
// all of its tokens, which of them are already there. Thread-safe: pool threads ask.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "hamail/base/log.h"
#include "hamail/base/result.h"

namespace hamail::mailsvc::smtpd {

// The token in the Maildir name of queue entry `queue_id`'s copy for its recipient number
// `index` (`address`): 64 bits of SHA-256 over the three.
std::uint64_t delivery_token(const std::string& queue_id, std::size_t index, const std::string& address);

class RecoveredDeliveries {
 public:
  explicit RecoveredDeliveries(const Logger& log) : log_(log) {}

  // At recovery, before any attempt: `maildir` may already hold a file carrying `token`.
  void expect(const std::string& maildir, std::uint64_t token);

  // Whether an expected `token` is already in `maildir`: "new/NAME" or "cur/NAME:2,FLAGS",
  // else nullopt (at once, without a scan, for a token never expected: fresh mail). The
  // first question about a Maildir scans it for all its tokens, once (under the lock: the
  // scans of a recovery pass run one at a time); its uncommitted tmp/ files carrying them
  // are removed. A token is answered once and forgotten, the queue state in this process
  // being the truth from then on; a failed scan is an error and the question may be asked again.
  Result<std::optional<std::string>> take(const std::string& maildir, std::uint64_t token);

  std::size_t expected() const;  // tokens not yet asked about

 private:
  struct Mailbox {
    std::unordered_set<std::uint64_t> expected;
    std::optional<std::unordered_map<std::uint64_t, std::string>> found;  // after the scan
  };
  const Logger& log_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Mailbox> mailboxes_;
};

}  // namespace hamail::mailsvc::smtpd
