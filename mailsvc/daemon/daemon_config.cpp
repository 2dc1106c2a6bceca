#include "hamail/mailsvc/daemon/daemon_config.h"

#include <algorithm>

#include "hamail/metrics/listen_address.h"

namespace hamail::mailsvc::daemon {

const char* to_string(ListenerTls tls) { return tls == ListenerTls::implicit ? "implicit" : "starttls"; }

namespace {

void read_listener(config::ErrorSink& sink, const YAML::Node& item, const std::string& path,
                   const ListenerSchema& schema, std::vector<Listener>& out) {
  config::MapReader m(sink, item, path);
  if (!m.valid()) return;
  std::vector<std::string> names;
  for (const auto& k : schema.kinds) names.push_back(k.name);
  Listener l;
  if (auto kind = m.choice(schema.key, names, config::Need::required)) {
    for (const auto& k : schema.kinds)
      if (k.name == *kind) {
        l.kind = k.name;
        l.tls = k.tls;
      }
  }
  if (auto a = m.string("address")) l.address = *a;
  if (auto p = m.integer("port", 0, 65535, config::Need::required)) l.port = static_cast<std::uint16_t>(*p);
  m.finish();
  out.push_back(std::move(l));
}

void read_tls_files(config::MapReader& top, TlsFiles& out) {
  YAML::Node node = top.child("tls");
  if (!node.IsDefined()) return;
  config::MapReader m(top.sink(), node, "tls");
  if (!m.valid()) return;
  if (auto v = m.string("cert")) out.cert = *v;
  if (auto v = m.string("key")) out.key = *v;
  m.finish();
}

void read_metrics(config::MapReader& top, std::string& listen) {
  YAML::Node node = top.child("metrics");
  if (!node.IsDefined()) return;
  config::MapReader m(top.sink(), node, "metrics");
  if (!m.valid()) return;
  if (auto v = m.string("listen", config::Need::required)) {
    if (auto a = metrics::parse_listen_address(*v); !a) top.sink().add(m.child("listen"), m.key_path("listen"), a.error());
    else listen = *v;
  }
  m.finish();
}

}  // namespace

void read_daemon_sections(config::MapReader& top, const ListenerSchema& schema, DaemonConfig& out) {
  config::ErrorSink& sink = top.sink();
  if (auto v = top.string("mail_root", config::Need::required)) {
    if (v->front() == '/') out.mail_root = *v;
    else sink.add(top.node()["mail_root"], "mail_root", "must be an absolute path");
  }
  if (auto v = top.string("hostname")) out.hostname = *v;
  if (auto v = top.string("user")) {
    if (v->empty() || *v == "root")
      sink.add(top.node()["user"], "user", "must name an unprivileged account (e.g. mail): the daemons give up root");
    else
      out.user = *v;
  }
  YAML::Node listeners = top.child("listeners", config::Need::required);
  config::for_each_item(sink, listeners, "listeners", [&](const YAML::Node& item, const std::string& path) {
    read_listener(sink, item, path, schema, out.listeners);
  });
  if (listeners.IsSequence() && listeners.size() == 0)
    sink.add(listeners, "listeners", "at least one listener is needed");
  read_tls_files(top, out.tls);
  read_metrics(top, out.metrics_listen);
  if (out.tls.cert.empty() && !out.mail_root.empty()) out.tls.cert = out.mail_root + "/tls/cert.pem";
  if (out.tls.key.empty() && !out.mail_root.empty()) out.tls.key = out.mail_root + "/tls/key.pem";
}

void read_client_policy(config::MapReader& m, ClientPolicy& out) {
  if (auto v = m.integer("max_connections", 1, 100000)) out.max_connections = static_cast<std::size_t>(*v);
  if (auto v = m.duration("idle_timeout")) out.idle_timeout_ms = static_cast<std::uint64_t>(v->count());
  if (auto v = m.duration("auth_failure_delay")) out.auth_failure_delay_ms = static_cast<std::uint64_t>(v->count());
  if (auto v = m.boolean("allow_plaintext_auth")) out.allow_plaintext_auth = *v;
  if (auto v = m.integer("auth_failures_per_ip", 0, 1000000)) out.auth_limits.per_ip = static_cast<unsigned>(*v);
  if (auto v = m.integer("auth_failures_per_account", 0, 1000000)) out.auth_limits.per_account = static_cast<unsigned>(*v);
  if (auto v = m.duration("auth_failure_window")) out.auth_limits.window_ms = std::max<std::uint64_t>(1000, v->count());
}

}  // namespace hamail::mailsvc::daemon
