#include "hamail/mailsvc/webmail/login_limiter.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace hamail::mailsvc::webmail {
namespace {

std::vector<std::string_view> split_groups(std::string_view s) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  while (true) {
    std::size_t colon = s.find(':');
    out.push_back(s.substr(0, colon));
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
  }
  return out;
}

bool hex_group(std::string_view g) {
  return !g.empty() && g.size() <= 4 &&
         std::all_of(g.begin(), g.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string limiter_key(std::string_view address) {
  if (address.find(':') == std::string_view::npos) return std::string(address);
  if (address.find('.') != std::string_view::npos) return std::string(address.substr(address.rfind(':') + 1));
  std::size_t gap = address.find("::");
  std::vector<std::string_view> head = split_groups(address.substr(0, gap));
  std::vector<std::string_view> tail;
  if (gap != std::string_view::npos) tail = split_groups(address.substr(gap + 2));
  std::size_t given = head.size() + tail.size();
  if (given > 8 || (gap == std::string_view::npos && given != 8)) return std::string(address);
  std::vector<std::string_view> groups = head;
  groups.insert(groups.end(), 8 - given, "0");
  groups.insert(groups.end(), tail.begin(), tail.end());
  if (!std::all_of(groups.begin(), groups.end(), hex_group)) return std::string(address);
  std::string key;
  for (std::size_t i = 0; i < 4; ++i) {
    std::string_view g = groups[i];
    while (g.size() > 1 && g.front() == '0') g.remove_prefix(1);
    for (char c : g) key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    key.push_back(':');
  }
  key += ":/64";
  return key;
}

bool LoginLimiter::stale(const Entry& e, std::int64_t now_ms) const {
  return now_ms - e.window_start_ms >= limits_.window_ms && now_ms >= e.next_allowed_ms;
}

LoginGate LoginLimiter::check(std::string_view address, std::int64_t now_ms) const {
  auto it = entries_.find(limiter_key(address));
  if (it == entries_.end() || stale(it->second, now_ms)) return {};
  const Entry& e = it->second;
  std::int64_t wait = 0;
  if (e.failures >= limits_.max_failures) wait = e.window_start_ms + limits_.window_ms - now_ms;
  wait = std::max(wait, e.next_allowed_ms - now_ms);
  if (wait <= 0) return {};
  return {false, wait};
}

void LoginLimiter::make_room(std::int64_t now_ms) {
  std::erase_if(entries_, [&](const auto& kv) { return stale(kv.second, now_ms); });
  while (!entries_.empty() && entries_.size() >= limits_.max_addresses) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.window_start_ms < b.second.window_start_ms;
    });
    entries_.erase(oldest);
  }
}

std::int64_t LoginLimiter::record_failure(std::string_view address, std::int64_t now_ms) {
  std::string key = limiter_key(address);
  auto it = entries_.find(key);
  if (it != entries_.end() && now_ms - it->second.window_start_ms >= limits_.window_ms) {
    entries_.erase(it);
    it = entries_.end();
  }
  if (it == entries_.end()) {
    if (entries_.size() >= limits_.max_addresses) make_room(now_ms);
    it = entries_.emplace(std::move(key), Entry{0, now_ms, now_ms}).first;
  }
  Entry& e = it->second;
  ++e.failures;
  std::int64_t delay = limits_.first_delay_ms;
  for (int i = 1; i < e.failures && delay < limits_.max_delay_ms; ++i) delay *= 2;
  delay = std::min(delay, limits_.max_delay_ms);
  e.next_allowed_ms = now_ms + delay;
  return delay;
}

void LoginLimiter::record_success(std::string_view address) { entries_.erase(limiter_key(address)); }

}  // namespace hamail::mailsvc::webmail
