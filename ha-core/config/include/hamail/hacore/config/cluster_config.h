// The typed model of cluster.yaml's ha-core sections: one file, identical on both nodes,
// describing the cluster (nodes, quorum, timing, fencing, resource groups). The `volumes:`
// section belongs to drbd-lite, which reads it with its own loader (hamail/drbdlite/config).
// Built and validated by load_cluster_config(); later components only read it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hamail::config {

using Milliseconds = std::chrono::milliseconds;

struct CryptoConfig {
  std::string cipher = "aes256";  // none, aes128, aes192, aes256
  std::string hash = "sha256";    // none, md5, sha1, sha256, sha384, sha512
  std::string authkey = "/etc/corosync/authkey";
  bool enabled() const { return cipher != "none" || hash != "none"; }
};

struct NodeConfig {
  std::string name;
  std::uint32_t id = 0;                  // corosync nodeid, 1-based
  std::vector<std::string> ring_addrs;   // corosync knet links, link 0 first
  std::string replication_addr;          // drbd-lite link (checked here for clashes; used by drbd-lite)
  std::string public_addr;               // optional: the node's own address on the public network
};

struct QdeviceConfig {
  std::string host;
  int port = 5403;
  std::string algorithm = "ffsplit";  // ffsplit, lms
  std::string tls = "on";             // on, off, required
};

struct QuorumConfig {
  bool two_node = true;
  bool wait_for_all = true;
  std::optional<QdeviceConfig> qdevice;
};

struct TimingConfig {
  Milliseconds token{3000};
  std::optional<Milliseconds> consensus;  // corosync's default is 1.2 * token
  Milliseconds join{50};
  int token_retransmits_before_loss = 4;
};

// One fencing device: a fence-agents program (fence_ipmilan, fence_virsh, fence_dummy,
// fence_halab ...) run with the fence-agents protocol: `key=value` lines on stdin
// (action, plug/port, params), exit 0 success, 1 failure, status 2 = off.
struct StonithDevice {
  std::string name;
  std::string agent;                          // a fence-agents program, found in hacored's --fence-path
  std::vector<std::string> hosts;             // node names this device can fence
  std::map<std::string, std::string> params;  // passed on the agent's stdin (never argv or the environment)
  std::map<std::string, std::string> host_map;  // node -> the agent's plug (default: the node's name)
  std::string password_file;                  // read when the agent runs: password=... on its stdin
  std::optional<Milliseconds> timeout;        // one agent run (default: stonith.timeout)
  int retries = 1;                            // further runs after a failed one, before the next level
  Milliseconds delay_base{0};                 // waited before this device fences (static) ...
  Milliseconds delay_max{0};                  // ... plus a random delay up to this
  Milliseconds monitor_interval{60000};       // `monitor` of the device (0: never): its health in hactl status
};

// The levels tried, in order, to fence one node; a level succeeds when all its devices do
// (e.g. the two PDUs feeding a node).
using FenceLevels = std::vector<std::vector<std::string>>;

struct StonithConfig {
  bool enabled = true;
  Milliseconds timeout{60000};
  std::string action = "reboot";              // off | reboot: what "fence" means
  // The two-node fence race: a node that runs fewer resources than its lost peer (ties:
  // the higher node id) waits this long before shooting, so the active node wins.
  Milliseconds priority_delay{5000};
  std::vector<StonithDevice> devices;
  std::map<std::string, FenceLevels> topology;  // node -> levels (absent: each device for it, in order)

  // The levels for `node`: its topology, else one level per device that can fence it.
  FenceLevels levels_for(const std::string& node) const;
  const StonithDevice* find_device(const std::string& name) const;
};

enum class OnFail { restart, standby, fence, block, stop };

struct Operation {
  std::string name;             // monitor, start, stop, promote, demote
  Milliseconds interval{0};     // recurring monitors only
  Milliseconds timeout{20000};
  std::optional<OnFail> on_fail;
};

struct ResourceConfig {
  std::string name;
  std::string agent;            // ocf:PROVIDER:TYPE, lsb:NAME, systemd:UNIT
  std::map<std::string, std::string> params;
  bool promotable = false;      // promote/demote apply (e.g. the drbd-lite volume)
  std::vector<Operation> ops;
};

enum class NoQuorumPolicy { stop, freeze, ignore };

struct PolicyDefaults {
  NoQuorumPolicy no_quorum_policy = NoQuorumPolicy::stop;
  int stickiness = 100;
  int migration_threshold = 3;       // 0 = never move because of failures
  Milliseconds failure_timeout{0};   // 0 = failures never expire
  OnFail on_fail = OnFail::restart;
};

struct GroupConfig {
  std::string name;
  std::optional<std::string> preferred_node;
  bool auto_failback = false;
  std::optional<int> stickiness;
  std::optional<int> migration_threshold;
  std::optional<Milliseconds> failure_timeout;
  std::vector<ResourceConfig> resources;  // started in order, stopped in reverse
};

struct ConnectivityConfig {
  std::vector<std::string> targets;  // addresses to ping (e.g. the gateway)
  Milliseconds interval{2000};
  int failures = 3;                  // consecutive misses before a node counts as cut off
};

struct ControlConfig {
  std::string socket = "/run/hamail/hacored.sock";
  std::string group = "root";        // root and members of this group may use every hactl command
  std::string read_group;            // members may run status and events only (empty: none)
};

// metrics.hacored: hacored's Prometheus endpoint (common/metrics). metrics.drbdlited
// in the same section is drbd-lite's.
struct MetricsConfig {
  std::string listen;                // "127.0.0.1:9664"; empty: no endpoint (the default)
};

struct LoggingConfig {
  std::string file;                  // empty: stderr only
  std::string level = "info";
};

struct ClusterConfig {
  std::string source_file;
  std::string digest;  // sha256 (hex) of the file's bytes: the nodes compare it when they meet
  std::string name;
  CryptoConfig crypto;
  std::vector<NodeConfig> nodes;
  QuorumConfig quorum;
  TimingConfig timing;
  StonithConfig stonith;
  PolicyDefaults defaults;
  std::vector<GroupConfig> groups;
  ConnectivityConfig connectivity;
  ControlConfig control;
  MetricsConfig metrics;
  LoggingConfig logging;

  const NodeConfig* find_node(const std::string& name) const;
};

std::string to_string(OnFail f);
std::string to_string(NoQuorumPolicy p);

}  // namespace hamail::config
