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

// Commands drbdlited runs on the volume's behalf (`/bin/sh -c`), with DRBD_RESOURCE,
// DRBD_VOLUME, DRBD_HANDLER, DRBD_NODE, DRBD_PEER, DRBD_PEER_ADDRESS and PATH in their
// environment (HandlerRunner). Empty: not configured.
struct VolumeHandlers {
  std::string split_brain;          // a split brain no policy resolved
  std::string fence_peer;           // outdate or fence the peer: exit 4 outdated, 5 down, 7 fenced
  std::string unfence_peer;         // the fenced peer is UpToDate again
  std::string pri_lost_after_sb;    // this Primary lost a split brain (after_sb_1pri/2pri)
  std::string after_resync_target;  // this node finished a resync as its target
};

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
  // DRBD's names: dont-care, resource-only, resource-and-stonith (needs handlers.fence_peer).
  std::string fencing = "resource-and-stonith";
  std::string after_sb_0pri = "disconnect";        // or discard-node-NAME and the others of DRBD
  std::string after_sb_1pri = "disconnect";
  std::string after_sb_2pri = "disconnect";
  VolumeHandlers handlers;
  std::uint64_t handler_timeout_ms = 60000;        // a handler still running then is killed (its process group)
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
  // metrics.drbdlited.listen: drbdlited's Prometheus endpoint ("127.0.0.1:9665"); empty: off.
  std::string metrics_listen;
  // The group of hacored's control socket (control.read_group, else control.group): its
  // members may run drbdlited's read commands (status, events), and drbdlited's control
  // socket and runtime directory belong to it. Empty (group root): root only. drbdlited's
  // admin is always root (the agents and handlers run as root).
  std::string control_read_group;

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
