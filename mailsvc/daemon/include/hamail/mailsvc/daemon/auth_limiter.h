// Failed-login limits shared by all of a daemon's connections (fail2ban's and Postfix
// anvil's idea, in process): failures are counted per client address (IPv6 per /64) and
// per account within a window; at a limit, further logins from that address, or for that
// account, are refused without checking a password until the window ends. Sans-IO: the
// caller passes the time. Bounded: at most kMaxTracked addresses and accounts each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hamail/base/log.h"

namespace hamail::mailsvc::daemon {

struct AuthLimits {
  unsigned per_ip = 10;             // failures from one client address (IPv6: its /64); 0 = no limit
  unsigned per_account = 30;             // failures for one account, from anywhere; 0 = no limit
  std::uint64_t window_ms = 15 * 60000;  // counted from an address's or account's first failure
};

class AuthLimiter {
 public:
  enum class Block { none, ip, account };
  static constexpr std::size_t kMaxTracked = 65536;

  explicit AuthLimiter(AuthLimits limits) : limits_(limits) {}

  // Whether a login by `account` from `address` (a key from ip_key) may be tried now.
  Block check(std::string_view address, std::string_view account, std::uint64_t now_ms) const;
  // Counts a failed login; returns the limit this failure reached (once, for the log).
  Block failed(std::string_view address, std::string_view account, std::uint64_t now_ms);

  const AuthLimits& limits() const { return limits_; }

 private:
  struct Count {
    unsigned failures = 0;
    std::uint64_t since_ms = 0;
    std::list<std::string>::iterator order;  // in `oldest_`
  };
  // Failures per key within the window; the oldest windows go first when full.
  class Table {
   public:
    unsigned failures(std::string_view key, std::uint64_t now_ms, std::uint64_t window_ms) const;
    unsigned add(std::string_view key, std::uint64_t now_ms, std::uint64_t window_ms);

   private:
    std::unordered_map<std::string, Count> counts_;
    std::list<std::string> oldest_;  // keys by window start
  };

  AuthLimits limits_;
  Table ips_;
  Table accounts_;
};

// The key a peer ("192.0.2.7:4242", "[2001:db8::1]:25") is counted under: the IPv4
// address, or the /64 of an IPv6 one ("2001:db8:0:0::/64"); anything else as given.
std::string ip_key(std::string_view peer);

// "alice@example.org" for "Alice@Example.ORG": one account, whatever its spelling.
std::string account_key(std::string_view user);

// What a connection does with the limiter. Before checking a password: true when the
// limits refuse this login, logged as `auth_refused limit=ip|account ip user peer`.
bool login_refused(const AuthLimiter& limiter, const Logger& log, std::string_view peer, std::string_view user,
                   std::uint64_t now_ms);
// After a wrong password: counted; `auth_limit_reached limit ip user failures window_s`
// logged when this failure reached a limit (the line for fail2ban-style tools).
void login_failed(AuthLimiter& limiter, const Logger& log, std::string_view peer, std::string_view user,
                  std::uint64_t now_ms);

}  // namespace hamail::mailsvc::daemon
