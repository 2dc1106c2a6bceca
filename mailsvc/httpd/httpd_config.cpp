#include "hamail/mailsvc/httpd/httpd_config.h"

#include <algorithm>

#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/httpd/dashboard_config.h"
#include "hamail/mailsvc/webmailbackend/smtp_submitter.h"

namespace hamail::mailsvc::httpd {

namespace {

void read_listeners(config::MapReader& top, HttpdConfig& out) {
  YAML::Node list = top.child("listeners", config::Need::required);
  config::for_each_item(top.sink(), list, "listeners", [&](const YAML::Node& item, const std::string& path) {
    config::MapReader m(top.sink(), item, path);
    if (!m.valid()) return;
    HttpListener l;
    if (auto t = m.choice("tls", {"none", "implicit"}, config::Need::required)) l.tls = *t == "implicit";
    if (auto a = m.ip_address("address")) l.address = *a;
    if (auto p = m.integer("port", 0, 65535, config::Need::required)) l.port = static_cast<std::uint16_t>(*p);
    if (auto r = m.boolean("redirect_to_https")) {
      if (*r && l.tls) m.sink().add(item["redirect_to_https"], m.key_path("redirect_to_https"), "only for a tls: none listener");
      l.redirect_to_https = *r;
    }
    m.finish();
    out.listeners.push_back(l);
  });
  if (list.IsSequence() && list.size() == 0) top.sink().add(list, "listeners", "at least one listener is needed");
}

void read_limits(config::MapReader& top, HttpLimits& out) {
  daemon::read_section(top, "limits", [&](config::MapReader& m) {
    if (auto v = m.integer("max_target_bytes", 64, 1 << 20)) out.request.max_target_bytes = static_cast<std::size_t>(*v);
    if (auto v = m.integer("max_header_bytes", 256, 1 << 20)) out.request.max_header_bytes = static_cast<std::size_t>(*v);
    if (auto v = m.integer("max_header_count", 1, 10000)) out.request.max_header_count = static_cast<std::size_t>(*v);
    if (auto v = m.size("max_body_bytes")) out.request.max_body_bytes = static_cast<std::size_t>(*v);
    if (auto v = m.duration("header_timeout")) out.header_timeout_ms = static_cast<std::uint64_t>(std::max<long long>(1, v->count()));
    if (auto v = m.duration("idle_timeout")) out.idle_timeout_ms = static_cast<std::uint64_t>(std::max<long long>(1, v->count()));
    if (auto v = m.integer("max_connections", 1, 1000000)) out.max_connections = static_cast<std::size_t>(*v);
    if (auto v = m.integer("max_connections_per_ip", 1, 1000000)) out.max_connections_per_ip = static_cast<std::size_t>(*v);
  });
}

void read_tls(config::MapReader& top, HttpdConfig& out) {
  daemon::read_section(top, "tls", [&](config::MapReader& m) {
    if (auto v = m.absolute_path("cert", config::Need::required)) out.tls.cert = *v;
    if (auto v = m.absolute_path("key", config::Need::required)) out.tls.key = *v;
  });
  if (out.any_tls() && out.tls.cert.empty())
    top.sink().add(top.node(), "tls", "a tls: implicit listener needs tls: {cert, key}");
}

void read_submission(config::MapReader& m, WebmailSettings& w) {
  if (auto v = m.string("submission")) {
    if (!webmailbackend::parse_endpoint(*v)) m.sink().add(m.node()["submission"], m.key_path("submission"), "host:port expected");
    w.submission = *v;
  }
  if (auto v = m.choice("submission_tls", {"required", "opportunistic", "none"})) w.submission_tls = *v;
  if (auto v = m.duration("submission_timeout"))
    w.submission_timeout_ms = static_cast<std::uint64_t>(std::max<long long>(1000, v->count()));
}

void read_webmail(config::MapReader& top, HttpdConfig& out) {
  daemon::read_section(top, "webmail", [&](config::MapReader& m) {
    WebmailSettings w;
    if (auto v = m.absolute_path("mail_root", config::Need::required)) w.mail_root = *v;
    if (auto v = m.integer("max_sessions", 1, 1000000)) w.max_sessions = static_cast<std::size_t>(*v);
    if (auto v = m.duration("session_idle_timeout"))
      w.session_idle_timeout_ms = static_cast<std::uint64_t>(std::max<long long>(1000, v->count()));
    read_submission(m, w);
    out.webmail = w;
  });
}

}  // namespace

bool HttpdConfig::any_tls() const {
  for (const auto& l : listeners)
    if (l.tls) return true;
  return false;
}

std::uint16_t HttpdConfig::redirect_port() const {
  if (https_port != 0) return https_port;
  for (const auto& l : listeners)
    if (l.tls && l.port != 0) return l.port;
  return 443;
}

void read_httpd_config(config::MapReader& top, HttpdConfig& out) {
  if (auto u = top.string("user")) {
    if (u->empty() || *u == "root") top.sink().add(top.node()["user"], "user", "must name an unprivileged account (e.g. www-data): httpd gives up root");
    else out.user = *u;
  }
  if (auto h = top.string("hostname")) out.hostname = *h;
  if (auto d = top.absolute_path("document_root", config::Need::required)) out.document_root = *d;
  read_listeners(top, out);
  read_tls(top, out);
  if (auto v = top.duration("hsts_max_age")) out.hsts_max_age_s = static_cast<std::uint64_t>(v->count() / 1000);
  if (auto v = top.integer("https_port", 1, 65535)) out.https_port = static_cast<std::uint16_t>(*v);
  if (auto v = top.size("gzip_max_bytes")) out.gzip_max_bytes = *v;
  read_limits(top, out.limits);
  read_webmail(top, out);
  read_dashboard(top, out.webmail.has_value(), out.dashboard);
  read_trace(top, out);
}

Result<HttpdConfig> parse_httpd_config(const std::string& text, const std::string& file) {
  return daemon::parse_config<HttpdConfig>(text, file, read_httpd_config);
}

Result<HttpdConfig> load_httpd_config(const std::string& path) {
  return daemon::load_config<HttpdConfig>(path, read_httpd_config);
}

}  // namespace hamail::mailsvc::httpd
