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

struct StonithDevice {
  std::string name;
  std::string agent;                        // a fence-agents program, e.g. fence_ipmilan, fence_lab
  std::vector<std::string> hosts;           // node names this device can fence
  std::map<std::string, std::string> params;  // passed on the agent's stdin (never argv)
};

struct StonithConfig {
  bool enabled = true;
  Milliseconds timeout{60000};
  std::vector<StonithDevice> devices;
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

struct LoggingConfig {
  std::string file;                  // empty: stderr only
  std::string level = "info";
};

struct ClusterConfig {
  std::string source_file;
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
  LoggingConfig logging;

  const NodeConfig* find_node(const std::string& name) const;
};

std::string to_string(OnFail f);
std::string to_string(NoQuorumPolicy p);

}  // namespace hamail::config
