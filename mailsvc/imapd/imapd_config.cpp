#include "hamail/mailsvc/imapd/imapd_config.h"

#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/daemon/tls_listener_schema.h"

namespace hamail::mailsvc::imapd {

namespace {

// An error about `key` at its value (or at the mapping when the key is absent).
void key_error(config::MapReader& top, const std::string& key, const std::string& message) {
  const YAML::Node& map = top.node();
  YAML::Node at = map[key];
  top.sink().add(at.IsDefined() ? at : map, key, message);
}

void read_imapd_config(config::MapReader& top, ImapdConfig& cfg) {
  daemon::read_daemon_sections(top, imapd_listeners(), cfg);
  daemon::read_client_policy(top, cfg.clients);
  if (auto v = top.duration("login_timeout")) cfg.login_timeout_ms = static_cast<std::uint64_t>(v->count());
  if (auto v = top.size("max_message_bytes")) cfg.max_message_bytes = *v;
  if (auto v = top.size("max_literal_bytes")) cfg.max_literal_bytes = *v;
  if (cfg.clients.idle_timeout_ms < 30 * 60 * 1000)
    key_error(top, "idle_timeout", "RFC 3501 wants at least 30m for a logged-in client");
  if (cfg.login_timeout_ms == 0) key_error(top, "login_timeout", "must be more than 0");
  if (cfg.max_literal_bytes < 1024 || cfg.max_literal_bytes > (16u << 20))
    key_error(top, "max_literal_bytes", "must be between 1KiB and 16MiB");
  if (cfg.max_message_bytes < 1024) key_error(top, "max_message_bytes", "must be at least 1KiB");
}

}  // namespace

const daemon::ListenerSchema& imapd_listeners() { return daemon::tls_listener_schema(); }

Result<ImapdConfig> parse_imapd_config(const std::string& text, const std::string& file_name) {
  return daemon::parse_config<ImapdConfig>(text, file_name, read_imapd_config);
}

Result<ImapdConfig> load_imapd_config(const std::string& path) {
  return daemon::load_config<ImapdConfig>(path, read_imapd_config);
}

}  // namespace hamail::mailsvc::imapd
