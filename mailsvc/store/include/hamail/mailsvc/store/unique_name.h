// Unique Maildir file names, sans-IO: "<secs>.M<usecs>P<pid>Q<counter>R<random>[D<token>].<host>"
// (Dovecot's form). Unique across hosts (host), processes (pid), time (secs, usecs),
// deliveries within one generator (counter) and anything else (64 random bits, hex).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hamail::mailsvc::store {

class UniqueNameGenerator {
 public:
  // host is escaped: '/' -> "\057", ':' -> "\072" (they would break a Maildir name).
  UniqueNameGenerator(std::string host, std::int64_t pid);

  // The caller supplies the clock and the randomness, so tests can pin them.
  // A delivery token (16 lowercase hex digits after 'D', the unique part's last field)
  // names what was delivered (smtpd: one queue entry to one recipient), so a delivery
  // that may have happened before a crash can be found again (delivery_token_of).
  std::string next(std::int64_t secs, std::int64_t usecs, std::uint64_t random,
                   std::optional<std::uint64_t> token = std::nullopt);

  static std::string escape_host(const std::string& host);

 private:
  std::string host_;
  std::int64_t pid_;
  std::uint64_t counter_ = 0;
};

// The delivery token of a file name (with or without ":2,FLAGS"): the unique part (between
// the first and the second '.') ends with 'D' and exactly 16 lowercase hex digits.
std::optional<std::uint64_t> delivery_token_of(std::string_view name);

}  // namespace hamail::mailsvc::store
