// Unique Maildir file names, sans-IO: "<secs>.M<usecs>P<pid>Q<counter>R<random>.<host>"
// (Dovecot's form). Unique across hosts (host), processes (pid), time (secs, usecs),
// deliveries within one generator (counter) and anything else (64 random bits, hex).
#pragma once

#include <cstdint>
#include <string>

namespace hamail::mailsvc::store {

class UniqueNameGenerator {
 public:
  // host is escaped: '/' -> "\057", ':' -> "\072" (they would break a Maildir name).
  UniqueNameGenerator(std::string host, std::int64_t pid);

  // The caller supplies the clock and the randomness, so tests can pin them.
  std::string next(std::int64_t secs, std::int64_t usecs, std::uint64_t random);

  static std::string escape_host(const std::string& host);

 private:
  std::string host_;
  std::int64_t pid_;
  std::uint64_t counter_ = 0;
};

}  // namespace hamail::mailsvc::store
