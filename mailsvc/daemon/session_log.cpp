#include "hamail/mailsvc/daemon/session_log.h"

namespace hamail::mailsvc::daemon {

void log_session_start(const Logger& log, std::string_view session, std::string_view peer, ListenerTls mode) {
  log.info("session_start").kv("session", session).kv("peer", peer).kv("tls", to_string(mode));
}

void log_tls_started(const Logger& log, std::string_view session, std::string_view tls_description) {
  log.info("tls_started").kv("session", session).kv("tls", tls_description);
}

void log_session_end(const Logger& log, std::string_view session, std::string_view peer, std::string_view user,
                     std::string_view reason, const std::string& error) {
  auto rec = error.empty() ? log.info("session_end") : log.warning("session_end");
  rec.kv("session", session).kv("peer", peer).kv("user", user).kv("reason", reason);
  if (!error.empty()) rec.kv("error", error);
}

}  // namespace hamail::mailsvc::daemon
