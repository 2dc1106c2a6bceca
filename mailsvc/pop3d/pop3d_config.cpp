#include "hamail/mailsvc/pop3d/pop3d_config.h"

#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/daemon/tls_listener_schema.h"

namespace hamail::mailsvc::pop3d {

namespace {

void read_pop3d_config(config::MapReader& top, Pop3dConfig& cfg) {
  daemon::read_daemon_sections(top, pop3d_listeners(), cfg);
  daemon::read_client_policy(top, cfg.clients);
  if (auto v = top.size("max_message_bytes")) cfg.max_message_bytes = *v;
}

}  // namespace

const daemon::ListenerSchema& pop3d_listeners() { return daemon::tls_listener_schema(); }

Result<Pop3dConfig> parse_pop3d_config(const std::string& text, const std::string& file_name) {
  return daemon::parse_config<Pop3dConfig>(text, file_name, read_pop3d_config);
}

Result<Pop3dConfig> load_pop3d_config(const std::string& path) {
  return daemon::load_config<Pop3dConfig>(path, read_pop3d_config);
}

}  // namespace hamail::mailsvc::pop3d
