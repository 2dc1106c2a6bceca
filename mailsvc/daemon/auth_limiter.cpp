#include "hamail/mailsvc/daemon/auth_limiter.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdio>

namespace hamail::mailsvc::daemon {

namespace {

bool live(const auto& count, std::uint64_t now_ms, std::uint64_t window_ms) {
  return now_ms - count.since_ms < window_ms;
}

}  // namespace

unsigned AuthLimiter::Table::failures(std::string_view key, std::uint64_t now_ms, std::uint64_t window_ms) const {
  auto it = counts_.find(std::string(key));
  return it != counts_.end() && live(it->second, now_ms, window_ms) ? it->second.failures : 0;
}

unsigned AuthLimiter::Table::add(std::string_view key, std::uint64_t now_ms, std::uint64_t window_ms) {
  auto it = counts_.find(std::string(key));
  if (it == counts_.end()) {
    if (counts_.size() >= kMaxTracked) {  // the oldest window makes room
      counts_.erase(oldest_.front());
      oldest_.pop_front();
    }
    it = counts_.emplace(std::string(key), Count{}).first;
    it->second.order = oldest_.insert(oldest_.end(), it->first);
    it->second.since_ms = now_ms;
  } else if (!live(it->second, now_ms, window_ms)) {
    it->second = Count{0, now_ms, it->second.order};  // a new window: now the youngest
    oldest_.splice(oldest_.end(), oldest_, it->second.order);
  }
  return ++it->second.failures;
}

AuthLimiter::Block AuthLimiter::check(std::string_view address, std::string_view account,
                                      std::uint64_t now_ms) const {
  if (limits_.per_ip && ips_.failures(address, now_ms, limits_.window_ms) >= limits_.per_ip)
    return Block::ip;
  if (limits_.per_account && accounts_.failures(account, now_ms, limits_.window_ms) >= limits_.per_account)
    return Block::account;
  return Block::none;
}

AuthLimiter::Block AuthLimiter::failed(std::string_view address, std::string_view account, std::uint64_t now_ms) {
  Block reached = Block::none;
  if (limits_.per_ip && ips_.add(address, now_ms, limits_.window_ms) == limits_.per_ip)
    reached = Block::ip;
  if (limits_.per_account && accounts_.add(account, now_ms, limits_.window_ms) == limits_.per_account)
    reached = Block::account;
  return reached;
}

std::string ip_key(std::string_view peer) {
  std::string host(peer);
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else if (host.find(':') == host.rfind(':')) {
    host = host.substr(0, host.find(':'));  // IPv4 "a.b.c.d:port"
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) != 1) return host;
  char buf[64];
  const unsigned char* b = v6.s6_addr;
  std::snprintf(buf, sizeof buf, "%x:%x:%x:%x::/64", b[0] << 8 | b[1], b[2] << 8 | b[3], b[4] << 8 | b[5],
                b[6] << 8 | b[7]);
  return buf;
}

std::string account_key(std::string_view user) {
  std::string out(user.substr(0, 320));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool login_refused(const AuthLimiter& limiter, const Logger& log, std::string_view peer, std::string_view user,
                   std::uint64_t now_ms) {
  std::string ip = ip_key(peer);
  AuthLimiter::Block b = limiter.check(ip, account_key(user), now_ms);
  if (b == AuthLimiter::Block::none) return false;
  log.warning("auth_refused").kv("limit", b == AuthLimiter::Block::ip ? "ip" : "account").kv("ip", ip)
      .kv("user", user).kv("peer", peer).kv("reason", "too many failed logins, no password checked");
  return true;
}

void login_failed(AuthLimiter& limiter, const Logger& log, std::string_view peer, std::string_view user,
                  std::uint64_t now_ms) {
  std::string ip = ip_key(peer);
  AuthLimiter::Block b = limiter.failed(ip, account_key(user), now_ms);
  if (b == AuthLimiter::Block::none) return;
  const AuthLimits& l = limiter.limits();
  log.warning("auth_limit_reached").kv("limit", b == AuthLimiter::Block::ip ? "ip" : "account").kv("ip", ip)
      .kv("user", user).kv("failures", b == AuthLimiter::Block::ip ? l.per_ip : l.per_account)
      .kv("window_s", static_cast<unsigned long>(l.window_ms / 1000));
}

}  // namespace hamail::mailsvc::daemon
