// dnsd's YAML configuration: the account it runs as, the listeners (each UDP and TCP), the
// zones with their transfer ACL and NOTIFY targets, EDNS size, TCP limits, response rate
// limiting and the control socket. Read strictly: errors name file:line:column and key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/base/yaml_reader.h"
#include "hamail/mailsvc/dnsd/address_range.h"

namespace hamail::mailsvc::dnsd {

struct DnsListener {
  std::string address;  // numeric IPv4 or IPv6
  std::uint16_t port = 53;
};

struct NotifyTarget {
  std::string address;  // numeric IPv4 or IPv6
  std::uint16_t port = 53;
};

struct ZoneConfig {
  std::string name;  // the apex, e.g. example.org
  std::string file;  // absolute (a relative one is taken from the config file's directory)
  std::vector<AddressRange> allow_transfer;  // AXFR/IXFR over TCP; empty: nobody
  std::vector<NotifyTarget> notify;          // secondaries told of a new serial
};

// NSD/BIND response rate limiting: identical responses to one client network (/24 or /56)
// beyond responses_per_second are dropped, every `slip`-th of them answered truncated.
struct RrlConfig {
  bool enabled = false;  // on when the rrl: section is present
  std::uint32_t responses_per_second = 20;
  std::uint32_t slip = 2;  // 0: drop all
  std::uint32_t window_s = 15;
};

struct DnsdConfig {
  std::string user = "nobody";  // the account after binding (never root)
  std::vector<DnsListener> listeners;
  std::vector<ZoneConfig> zones;
  std::uint16_t udp_size = 1232;             // our EDNS UDP size
  std::uint64_t tcp_idle_timeout_ms = 10000;  // a TCP client silent this long is closed
  std::size_t max_tcp_connections = 100;
  RrlConfig rrl;
  std::string control_socket;  // empty: none
  // UDP event loops: 1 (the main loop only) or more, each on a thread of its own with its
  // own socket per listener (SO_REUSEPORT) and buffers; the zones are shared read-only.
  std::size_t threads = 1;
};

// Fills `out` from the top-level mapping; `config_dir` resolves relative zone files.
void read_dnsd_config(config::MapReader& top, const std::string& config_dir, DnsdConfig& out);
// The file at `path` (all its errors, one per line).
Result<DnsdConfig> load_dnsd_config(const std::string& path);
Result<DnsdConfig> parse_dnsd_config(const std::string& text, const std::string& file);

}  // namespace hamail::mailsvc::dnsd
