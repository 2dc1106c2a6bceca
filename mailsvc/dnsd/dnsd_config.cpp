#include "hamail/mailsvc/dnsd/dnsd_config.h"

#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/dns/name.h"

namespace hamail::mailsvc::dnsd {
namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]:5353".
bool parse_target(const std::string& text, NotifyTarget& out) {
  std::string addr = text, port;
  if (!text.empty() && text[0] == '[') {
    auto end = text.find(']');
    if (end == std::string::npos) return false;
    addr = text.substr(1, end - 1);
    if (end + 1 < text.size()) {
      if (text[end + 1] != ':') return false;
      port = text.substr(end + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    addr = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (!config::is_ip_address(addr)) return false;
  out.address = addr;
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
    unsigned long p = std::stoul(port);
    if (p == 0 || p > 65535) return false;
    out.port = static_cast<std::uint16_t>(p);
  }
  return true;
}

void read_listeners(config::MapReader& top, DnsdConfig& out) {
  YAML::Node list = top.child("listeners", config::Need::required);
  if (!list) return;
  config::for_each_item(top.sink(), list, top.key_path("listeners"), [&](const YAML::Node& item, const std::string& path) {
    config::MapReader m(top.sink(), item, path);
    if (!m.valid()) return;
    DnsListener l;
    if (auto a = m.ip_address("address", config::Need::required)) l.address = *a;
    if (auto p = m.integer("port", 0, 65535)) l.port = static_cast<std::uint16_t>(*p);
    m.finish();
    out.listeners.push_back(l);
  });
  if (list.IsSequence() && list.size() == 0) top.sink().add(list, top.key_path("listeners"), "at least one listener is needed");
}

void read_zones(config::MapReader& top, const std::string& config_dir, DnsdConfig& out) {
  YAML::Node list = top.child("zones", config::Need::required);
  if (!list) return;
  config::for_each_item(top.sink(), list, top.key_path("zones"), [&](const YAML::Node& item, const std::string& path) {
    config::MapReader m(top.sink(), item, path);
    if (!m.valid()) return;
    ZoneConfig z;
    if (auto n = m.string("name", config::Need::required)) {
      auto name = dns::Name::from_text(*n);
      if (!name) m.sink().add(item["name"], m.key_path("name"), "'" + *n + "' is not a domain name: " + name.error());
      else z.name = *n;
    }
    if (auto f = m.string("file", config::Need::required)) z.file = (!f->empty() && (*f)[0] == '/') ? *f : config_dir + "/" + *f;
    if (auto acl = m.string_list("allow_transfer")) {
      for (std::size_t i = 0; i < acl->size(); ++i) {
        auto r = AddressRange::parse((*acl)[i]);
        if (!r) m.sink().add(item["allow_transfer"][i], m.key_path("allow_transfer") + "[" + std::to_string(i) + "]", r.error());
        else z.allow_transfer.push_back(*r);
      }
    }
    if (auto targets = m.string_list("notify")) {
      for (std::size_t i = 0; i < targets->size(); ++i) {
        NotifyTarget t;
        if (!parse_target((*targets)[i], t))
          m.sink().add(item["notify"][i], m.key_path("notify") + "[" + std::to_string(i) + "]",
                       "'" + (*targets)[i] + "' is not ADDRESS or ADDRESS:PORT ([IPv6]:PORT)");
        else z.notify.push_back(t);
      }
    }
    m.finish();
    for (const auto& other : out.zones)
      if (!z.name.empty() && dns::Name::from_text(other.name)->key() == dns::Name::from_text(z.name)->key())
        m.sink().add(item["name"], m.key_path("name"), "zone '" + z.name + "' is configured twice");
    out.zones.push_back(z);
  });
}

void read_rrl(config::MapReader& top, DnsdConfig& out) {
  daemon::read_section(top, "rrl", [&](config::MapReader& m) {
    out.rrl.enabled = true;
    if (auto v = m.integer("responses_per_second", 1, 1000000)) out.rrl.responses_per_second = static_cast<std::uint32_t>(*v);
    if (auto v = m.integer("slip", 0, 10)) out.rrl.slip = static_cast<std::uint32_t>(*v);
    if (auto v = m.duration("window")) {
      if (v->count() < 1000 || v->count() > 3600 * 1000)
        m.sink().add(m.node()["window"], m.key_path("window"), "must be between 1s and 1h");
      else out.rrl.window_s = static_cast<std::uint32_t>(v->count() / 1000);
    }
  });
}

}  // namespace

void read_dnsd_config(config::MapReader& top, const std::string& config_dir, DnsdConfig& out) {
  if (auto u = top.string("user")) {
    if (*u == "root") top.sink().add(top.node()["user"], top.key_path("user"), "dnsd does not run as root: name an unprivileged account");
    else out.user = *u;
  }
  read_listeners(top, out);
  read_zones(top, config_dir, out);
  if (auto v = top.integer("udp_size", 512, 65535)) out.udp_size = static_cast<std::uint16_t>(*v);
  if (auto v = top.duration("tcp_idle_timeout")) out.tcp_idle_timeout_ms = static_cast<std::uint64_t>(v->count());
  if (auto v = top.integer("max_tcp_connections", 1, 100000)) out.max_tcp_connections = static_cast<std::size_t>(*v);
  read_rrl(top, out);
  if (auto c = top.absolute_path("control_socket")) out.control_socket = *c;
  if (auto v = top.integer("threads", 1, 64)) out.threads = static_cast<std::size_t>(*v);
}

Result<DnsdConfig> load_dnsd_config(const std::string& path) {
  DnsdConfig c;
  std::string dir = dir_of(path);
  if (Status s = daemon::read_config_file(path, [&](config::MapReader& top) { read_dnsd_config(top, dir, c); }); !s)
    return Error{s.message()};
  return c;
}

Result<DnsdConfig> parse_dnsd_config(const std::string& text, const std::string& file) {
  DnsdConfig c;
  std::string dir = dir_of(file);
  if (Status s = daemon::parse_config_text(text, file, [&](config::MapReader& top) { read_dnsd_config(top, dir, c); }); !s)
    return Error{s.message()};
  return c;
}

}  // namespace hamail::mailsvc::dnsd
