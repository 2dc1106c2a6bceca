#include "hamail/mailsvc/pop3d/pop3d_config.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hamail/base/yaml_reader.h"

namespace hamail::mailsvc::pop3d {

namespace {

Error joined(const std::vector<ConfigError>& errors) {
  std::string msg;
  for (const auto& e : errors) {
    if (!msg.empty()) msg += "\n";
    msg += e.to_string();
  }
  return Error{msg};
}

void read_listener(config::ErrorSink& sink, const YAML::Node& node, const std::string& path, Pop3dConfig& out) {
  config::MapReader r(sink, node, path);
  if (!r.valid()) return;
  ListenerConfig l;
  if (auto tls = r.choice("tls", {"starttls", "implicit"}, config::Need::required))
    l.tls = *tls == "implicit" ? ListenerTls::implicit : ListenerTls::starttls;
  if (auto a = r.string("address")) l.address = *a;
  if (auto p = r.integer("port", 1, 65535, config::Need::required)) l.port = static_cast<std::uint16_t>(*p);
  r.finish();
  out.listeners.push_back(l);
}

}  // namespace

Result<Pop3dConfig> parse_pop3d_config(const std::string& text, const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return joined({ConfigError{file_name, e.mark.is_null() ? 0 : e.mark.line + 1,
                               e.mark.is_null() ? 0 : e.mark.column + 1, "", "YAML syntax error: " + e.msg}});
  }
  if (!root.IsDefined() || root.IsNull()) return joined({ConfigError{file_name, 0, 0, "", "the file is empty"}});

  config::ErrorSink sink(file_name);
  Pop3dConfig cfg;
  config::MapReader r(sink, root, "");
  if (r.valid()) {
    if (auto v = r.string("mail_root", config::Need::required)) cfg.mail_root = *v;
    if (auto v = r.string("hostname")) cfg.hostname = *v;
    if (auto v = r.boolean("allow_plaintext_auth")) cfg.allow_plaintext_auth = *v;
    if (auto v = r.size("max_message_bytes")) cfg.max_message_bytes = *v;
    if (auto v = r.duration("idle_timeout")) cfg.idle_timeout_ms = static_cast<std::uint64_t>(v->count());
    if (auto v = r.duration("auth_failure_delay")) cfg.auth_failure_delay_ms = static_cast<std::uint64_t>(v->count());
    YAML::Node tls = r.child("tls", config::Need::required);
    if (tls.IsDefined()) {
      config::MapReader t(sink, tls, "tls");
      if (t.valid()) {
        if (auto v = t.string("cert", config::Need::required)) cfg.tls_cert = *v;
        if (auto v = t.string("key", config::Need::required)) cfg.tls_key = *v;
        t.finish();
      }
    }
    YAML::Node listeners = r.child("listeners", config::Need::required);
    if (listeners.IsDefined()) {
      config::for_each_item(sink, listeners, "listeners",
                            [&](const YAML::Node& item, const std::string& path) { read_listener(sink, item, path, cfg); });
      if (listeners.IsSequence() && listeners.size() == 0)
        sink.add(listeners, "listeners", "at least one listener is needed");
    }
    r.finish();
  }
  if (!cfg.mail_root.empty() && cfg.mail_root.front() != '/')
    sink.add(root["mail_root"], "mail_root", "must be an absolute path");
  if (!sink.errors().empty()) return joined(sink.errors());
  return cfg;
}

Result<Pop3dConfig> load_pop3d_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the file: " + std::strerror(errno)};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_pop3d_config(ss.str(), path);
}

}  // namespace hamail::mailsvc::pop3d
