#include "hamail/mailsvc/webmail/session_table.h"

#include <utility>

namespace hamail::mailsvc::webmail {

bool SessionTable::expired(const WebSession& s, std::int64_t now_ms) const {
  return now_ms - s.last_used_ms >= limits_.idle_timeout_ms || now_ms - s.created_ms >= limits_.max_lifetime_ms;
}

std::size_t SessionTable::expire(std::int64_t now_ms) {
  return std::erase_if(sessions_, [&](const auto& kv) { return expired(kv.second, now_ms); });
}

Result<WebSession> SessionTable::open(std::string user, const SecretBytes& id_bytes, const SecretBytes& csrf_bytes,
                                      std::int64_t now_ms, SecretText password) {
  expire(now_ms);
  std::size_t of_user = 0;
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.user != user) continue;
    ++of_user;
    if (oldest == sessions_.end() || it->second.created_ms < oldest->second.created_ms) oldest = it;
  }
  if (limits_.max_per_user > 0 && of_user >= limits_.max_per_user) sessions_.erase(oldest);
  if (sessions_.size() >= limits_.max_sessions) return Error{"too many webmail sessions"};
  WebSession s{hex_token(id_bytes), hex_token(csrf_bytes), std::move(user), now_ms, now_ms, {}};
  if (s.id == s.csrf_token || sessions_.contains(s.id)) return Error{"session id not unique: bad randomness"};
  auto [it, added] = sessions_.emplace(s.id, s);
  it->second.password = std::move(password);  // only the table's copy holds it
  return s;
}

const WebSession* SessionTable::find(std::string_view id, std::int64_t now_ms) {
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return nullptr;
  if (expired(it->second, now_ms)) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.last_used_ms = now_ms;
  return &it->second;
}

bool SessionTable::close(std::string_view id) { return sessions_.erase(std::string(id)) > 0; }

std::size_t SessionTable::close_user(std::string_view user) {
  return std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user == user; });
}

}  // namespace hamail::mailsvc::webmail
