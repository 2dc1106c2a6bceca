#include "hamail/mailsvc/smtpd/config.h"

#include <arpa/inet.h>

#include <algorithm>

#include "hamail/base/yaml_reader.h"
#include "hamail/mailsvc/daemon/config_file.h"

namespace hamail::mailsvc::smtpd {

const char* to_string(smtp::PortRole role) {
  switch (role) {
    case smtp::PortRole::mx: return "mx";
    case smtp::PortRole::submission: return "submission";
    case smtp::PortRole::submissions: return "submissions";
  }
  return "?";
}

const daemon::ListenerSchema& smtpd_listeners() {
  static const daemon::ListenerSchema schema{"role",
                                             {{"mx", daemon::ListenerTls::starttls},
                                              {"submission", daemon::ListenerTls::starttls},
                                              {"submissions", daemon::ListenerTls::implicit}}};
  return schema;
}

smtp::PortRole role_of(const daemon::Listener& listener) {
  if (listener.kind == "submission") return smtp::PortRole::submission;
  if (listener.kind == "submissions") return smtp::PortRole::submissions;
  return smtp::PortRole::mx;
}

namespace {

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

void read_limits(config::MapReader& m, SmtpdConfig& c) {
  daemon::read_client_policy(m, c.clients);
  if (auto v = m.size("max_message_size")) c.max_message_size = *v;
  if (auto v = m.integer("max_recipients", 1, 10000)) c.max_recipients = static_cast<std::size_t>(*v);
  if (auto v = m.integer("max_errors", 1, 1000)) c.max_errors = static_cast<int>(*v);
  if (auto v = m.integer("max_queued", 1, 100000000)) c.max_queued = static_cast<std::size_t>(*v);
  if (auto v = m.size("queue_min_free")) c.queue_min_free = *v;
  if (auto v = m.boolean("sender_must_match_login")) c.sender_must_match_login = *v;
}

// A duration key in whole seconds, at least 1.
void read_seconds(config::MapReader& m, const std::string& key, std::uint64_t& out) {
  if (auto v = m.duration(key)) out = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(v->count()) / 1000);
}

void read_delivery(config::MapReader& m, DeliveryConfig& dc) {
  auto bad = [&](const std::string& key, const std::string& msg) { m.sink().add(m.node()[key], m.key_path(key), msg); };
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
  read_seconds(m, "min_backoff", dc.retry.min_backoff_s);
  read_seconds(m, "max_backoff", dc.retry.max_backoff_s);
  read_seconds(m, "queue_lifetime", dc.retry.queue_lifetime_s);
  if (auto v = m.duration("connect_timeout")) dc.connect_timeout_ms = std::max<std::uint64_t>(100, v->count());
  if (auto v = m.duration("command_timeout")) dc.command_timeout_ms = std::max<std::uint64_t>(100, v->count());
  if (auto v = m.integer("max_parallel", 1, 1000)) dc.max_parallel = static_cast<std::size_t>(*v);
  if (auto v = m.integer("io_threads", 1, 128)) dc.io_threads = static_cast<unsigned>(*v);
  if (dc.retry.max_backoff_s < dc.retry.min_backoff_s)
    bad(m.node()["max_backoff"].IsDefined() ? "max_backoff" : "min_backoff",
        "max_backoff must not be shorter than min_backoff");
}

void read_smtpd_config(config::MapReader& top, SmtpdConfig& c) {
  daemon::read_daemon_sections(top, smtpd_listeners(), c);
  daemon::read_section(top, "limits", [&](config::MapReader& m) { read_limits(m, c); });
  daemon::read_section(top, "delivery", [&](config::MapReader& m) { read_delivery(m, c.delivery); });
}

}  // namespace

Result<SmtpdConfig> parse_smtpd_config(const std::string& text, const std::string& file) {
  return daemon::parse_config<SmtpdConfig>(text, file, read_smtpd_config);
}

Result<SmtpdConfig> load_smtpd_config(const std::string& path) {
  return daemon::load_config<SmtpdConfig>(path, read_smtpd_config);
}

}  // namespace hamail::mailsvc::smtpd
