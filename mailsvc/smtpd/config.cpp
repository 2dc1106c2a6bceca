#include "hamail/mailsvc/smtpd/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "hamail/base/yaml_reader.h"

namespace hamail::mailsvc::smtpd {

const char* to_string(smtp::PortRole role) {
  switch (role) {
    case smtp::PortRole::mx: return "mx";
    case smtp::PortRole::submission: return "submission";
    case smtp::PortRole::submissions: return "submissions";
  }
  return "?";
}

namespace {

smtp::PortRole role_of(const std::string& s) {
  if (s == "submission") return smtp::PortRole::submission;
  if (s == "submissions") return smtp::PortRole::submissions;
  return smtp::PortRole::mx;
}

// "127.0.0.1" or "127.0.0.1:5353".
Result<outbound::DnsServerOverride> parse_dns_server(const std::string& v) {
  outbound::DnsServerOverride d;
  auto colon = v.find(':');
  d.ip = v.substr(0, colon);
  in_addr a{};
  if (::inet_pton(AF_INET, d.ip.c_str(), &a) != 1) return Error{"'" + v + "' is not an IPv4 address[:port]"};
  if (colon != std::string::npos) {
    auto port = config::parse_size(v.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535) return Error{"'" + v + "': bad port"};
    d.port = static_cast<std::uint16_t>(*port);
  }
  return d;
}

}  // namespace

Result<SmtpdConfig> parse_smtpd_config(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Error{file + ":" + std::to_string(e.mark.is_null() ? 0 : e.mark.line + 1) + ": YAML syntax error: " + e.msg};
  }
  config::ErrorSink sink(file);
  SmtpdConfig c;
  config::MapReader top(sink, root, "");
  if (top.valid()) {
    if (auto v = top.string("mail_root", config::Need::required)) c.mail_root = *v;
    if (auto v = top.string("hostname")) c.hostname = *v;
    config::for_each_item(sink, top.child("listeners", config::Need::required), "listeners",
                          [&](const YAML::Node& item, const std::string& path) {
                            config::MapReader m(sink, item, path);
                            if (!m.valid()) return;
                            ListenerConfig l;
                            if (auto r = m.choice("role", {"mx", "submission", "submissions"}, config::Need::required))
                              l.role = role_of(*r);
                            if (auto a = m.string("address", config::Need::required)) l.address = *a;
                            if (auto p = m.integer("port", 0, 65535, config::Need::required))
                              l.port = static_cast<std::uint16_t>(*p);
                            m.finish();
                            c.listeners.push_back(l);
                          });
    if (YAML::Node t = top.child("tls"); t.IsDefined()) {
      config::MapReader m(sink, t, "tls");
      if (m.valid()) {
        if (auto v = m.string("cert")) c.tls_cert = *v;
        if (auto v = m.string("key")) c.tls_key = *v;
        m.finish();
      }
    }
    if (YAML::Node l = top.child("limits"); l.IsDefined()) {
      config::MapReader m(sink, l, "limits");
      if (m.valid()) {
        if (auto v = m.size("max_message_size")) c.max_message_size = *v;
        if (auto v = m.integer("max_recipients", 1, 10000)) c.max_recipients = static_cast<std::size_t>(*v);
        if (auto v = m.integer("max_errors", 1, 1000)) c.max_errors = static_cast<int>(*v);
        if (auto v = m.integer("max_connections", 1, 100000)) c.max_connections = static_cast<std::size_t>(*v);
        if (auto v = m.duration("idle_timeout")) c.idle_timeout_ms = static_cast<std::uint64_t>(v->count());
        if (auto v = m.duration("auth_failure_delay")) c.auth_failure_delay_ms = static_cast<std::uint64_t>(v->count());
        if (auto v = m.boolean("allow_plaintext_auth")) c.allow_plaintext_auth = *v;
        if (auto v = m.integer("max_queued", 1, 100000000)) c.max_queued = static_cast<std::size_t>(*v);
        if (auto v = m.size("queue_min_free")) c.queue_min_free = *v;
        m.finish();
      }
    }
    if (YAML::Node d = top.child("delivery"); d.IsDefined()) {
      config::MapReader m(sink, d, "delivery");
      if (m.valid()) {
        DeliveryConfig& dc = c.delivery;
        auto bad = [&](const std::string& key, const std::string& msg) { sink.add(d[key], m.key_path(key), msg); };
        if (auto v = m.string("relay_host")) {
          auto hop = outbound::parse_relay_host(*v);
          if (hop) dc.relay = *hop;
          else bad("relay_host", hop.error());
        }
        if (auto v = m.string("dns_server")) {
          auto srv = parse_dns_server(*v);
          if (srv) dc.dns_server = *srv;
          else bad("dns_server", srv.error());
        }
        if (auto v = m.choice("tls", {"none", "may", "encrypt", "verify"})) {
          dc.tls = *v == "none" ? smtp::ClientTlsPolicy::none
                   : *v == "may" ? smtp::ClientTlsPolicy::may
                                 : smtp::ClientTlsPolicy::encrypt;
          dc.tls_verify = *v == "verify";
        }
        if (auto v = m.string("tls_ca")) dc.tls_ca = *v;
        if (auto v = m.duration("min_backoff")) dc.retry.min_backoff_s = std::max<std::uint64_t>(1, v->count() / 1000);
        if (auto v = m.duration("max_backoff")) dc.retry.max_backoff_s = std::max<std::uint64_t>(1, v->count() / 1000);
        if (auto v = m.duration("queue_lifetime")) dc.retry.queue_lifetime_s = std::max<std::uint64_t>(1, v->count() / 1000);
        if (auto v = m.duration("connect_timeout")) dc.connect_timeout_ms = std::max<std::uint64_t>(100, v->count());
        if (auto v = m.duration("command_timeout")) dc.command_timeout_ms = std::max<std::uint64_t>(100, v->count());
        if (auto v = m.integer("max_parallel", 1, 1000)) dc.max_parallel = static_cast<std::size_t>(*v);
        if (auto v = m.integer("io_threads", 1, 128)) dc.io_threads = static_cast<unsigned>(*v);
        m.finish();
        if (dc.retry.max_backoff_s < dc.retry.min_backoff_s)
          bad(d["max_backoff"].IsDefined() ? "max_backoff" : "min_backoff", "max_backoff must not be shorter than min_backoff");
      }
    }
    top.finish();
  }
  if (sink.errors().empty() && c.listeners.empty()) return Error{file + ": listeners: at least one listener is needed"};
  if (!sink.errors().empty()) {
    std::string all;
    for (const auto& e : sink.errors()) all += (all.empty() ? "" : "\n") + e.to_string();
    return Error{all};
  }
  if (c.tls_cert.empty()) c.tls_cert = c.mail_root + "/tls/cert.pem";
  if (c.tls_key.empty()) c.tls_key = c.mail_root + "/tls/key.pem";
  return c;
}

Result<SmtpdConfig> load_smtpd_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read config file " + path};
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_smtpd_config(ss.str(), path);
}

}  // namespace hamail::mailsvc::smtpd
