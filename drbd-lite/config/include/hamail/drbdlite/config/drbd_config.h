// drbd-lite's own sections of cluster.yaml: `volumes:` (read strictly: every key checked
// and used) and, from `nodes:`, each node's name and replication_addr. Every other section
// belongs to ha-core and is not read here, so an error in `groups:` or `stonith:` never
// stops drbdlited. ha-core's loader leaves `volumes:` to this one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hamail/base/config_error.h"

namespace hamail::drbdlite {

// One replicated volume (cluster.yaml `volumes[]`). In device, meta and nbd_socket, `%n`
// stands for the node's name (for_node() replaces it).
struct VolumeConfig {
  std::string name;
  std::string device;                              // lower device: block device or file
  std::string meta = "internal";                   // "internal" or an external metadata device/file
  std::optional<std::uint64_t> size_bytes;         // default: what the lower device offers
  char protocol = 'C';                             // A, B, C
  int port = 7789;
  std::string secret_file;                         // shared secret of the TLS-PSK link
  std::uint64_t resync_rate_bytes = 100ull << 20;  // per second
  std::string nbd_socket;                          // empty: <runtime dir>/<name>.nbd
};

// What drbd-lite needs to know of a node.
struct NodeAddress {
  std::string name;
  std::string replication_addr;
};

struct DrbdConfig {
  std::string source_file;
  std::vector<NodeAddress> nodes;
  std::vector<VolumeConfig> volumes;

  const NodeAddress* find_node(const std::string& name) const;
  // The other node of a two-node cluster (nullptr when there is none).
  const NodeAddress* peer_of(const std::string& name) const;
};

struct DrbdConfigLoad {
  std::optional<DrbdConfig> config;  // set only when errors is empty
  std::vector<ConfigError> errors;
};

DrbdConfigLoad load_drbd_config(const std::string& path);
DrbdConfigLoad parse_drbd_config(const std::string& text, const std::string& file_name);

// The volume as `node` uses it: %n replaced in device, meta and nbd_socket; an empty
// nbd_socket becomes <runtime_dir>/<name>.nbd.
VolumeConfig for_node(const VolumeConfig& v, const std::string& node, const std::string& runtime_dir);

}  // namespace hamail::drbdlite
