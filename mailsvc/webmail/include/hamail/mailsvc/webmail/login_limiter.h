// Login throttling for webmail, per client address (an IPv6 client by its /64): after a
// failure the next attempt waits a delay that doubles per failure up to a bound; too many
// failures in a window refuse logins until the window ends. Bounded table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hamail::mailsvc::webmail {

struct LoginLimits {
  int max_failures = 10;                  // in one window, then refused until it ends
  std::int64_t window_ms = 15 * 60 * 1000;
  std::int64_t first_delay_ms = 1000;     // after the first failure; doubles each time
  std::int64_t max_delay_ms = 16000;
  std::size_t max_addresses = 10000;      // expired entries go first, then the oldest
};

struct LoginGate {
  bool allowed = true;
  std::int64_t retry_after_ms = 0;  // when refused: how long until the next attempt counts
};

class LoginLimiter {
 public:
  explicit LoginLimiter(LoginLimits limits) : limits_(limits) {}

  // Whether an attempt from `address` may be checked now.
  LoginGate check(std::string_view address, std::int64_t now_ms) const;
  // A wrong user or password: returns the delay before the answer goes out (the shell
  // holds it back that long) and before another attempt is allowed.
  std::int64_t record_failure(std::string_view address, std::int64_t now_ms);
  // A good login clears the address's failures.
  void record_success(std::string_view address);

  std::size_t tracked() const { return entries_.size(); }

 private:
  struct Entry {
    int failures = 0;
    std::int64_t window_start_ms = 0;
    std::int64_t next_allowed_ms = 0;
  };
  bool stale(const Entry& e, std::int64_t now_ms) const;
  void make_room(std::int64_t now_ms);

  LoginLimits limits_;
  std::unordered_map<std::string, Entry> entries_;
};

// The key an address is counted under: an IPv4 address (also IPv4-mapped IPv6) as it is,
// an IPv6 address by its first four groups ("2001:db8:0:1::/64"); anything else as given.
std::string limiter_key(std::string_view address);

}  // namespace hamail::mailsvc::webmail
