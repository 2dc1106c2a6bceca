#include "hamail/mailsvc/pop3d/pop3d_config.h"

#include "hamail/mailsvc/daemon/config_file.h"

namespace hamail::mailsvc::pop3d {

namespace {

daemon::ReadTopLevel reader(Pop3dConfig& cfg) {
  return [&cfg](config::MapReader& top) {
    daemon::read_daemon_sections(top, pop3d_listeners(), cfg);
    daemon::read_client_policy(top, cfg.clients);
    if (auto v = top.size("max_message_bytes")) cfg.max_message_bytes = *v;
  };
}

}  // namespace

const daemon::ListenerSchema& pop3d_listeners() {
  static const daemon::ListenerSchema schema{
      "tls", {{"starttls", daemon::ListenerTls::starttls}, {"implicit", daemon::ListenerTls::implicit}}};
  return schema;
}

Result<Pop3dConfig> parse_pop3d_config(const std::string& text, const std::string& file_name) {
  Pop3dConfig cfg;
  if (Status s = daemon::parse_config_text(text, file_name, reader(cfg)); !s) return Error{s.message()};
  return cfg;
}

Result<Pop3dConfig> load_pop3d_config(const std::string& path) {
  Pop3dConfig cfg;
  if (Status s = daemon::read_config_file(path, reader(cfg)); !s) return Error{s.message()};
  return cfg;
}

}  // namespace hamail::mailsvc::pop3d
