// SetupRequest: what `hactl cluster setup` is asked to build (the cluster's name, its two
// nodes with their addresses, the replicated volumes), read from the command line into
// typed values. Pure: every error names the argument it is about.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::bootstrap {

struct SetupNode {
  std::string name;                     // the node's host name (uname -n)
  std::vector<std::string> ring_addrs;  // corosync link 0 (NODE=ADDR), link 1 (--ring2 NODE=ADDR)
  std::string replication_addr;         // --replication NODE=ADDR, else ring_addrs[0]
};

struct SetupVolume {
  std::string name;    // --volume NAME=DEVICE
  std::string device;  // lower device, the same path on both nodes
};

struct SetupRequest {
  std::string cluster_name;        // --name
  std::vector<SetupNode> nodes;    // exactly two, in command-line order (corosync ids 1, 2)
  std::vector<SetupVolume> volumes;
};

inline constexpr std::size_t kMaxSetupVolumes = 16;

// The words after `cluster setup` that describe the cluster:
//   --name NAME  NODE1=ADDR NODE2=ADDR  [--ring2 NODE=ADDR]...  [--replication NODE=ADDR]...
//   [--volume NAME=DEVICE]...
// Any other word is an error ("unknown option --x"); the caller takes its own options out first.
Result<SetupRequest> parse_setup_request(const std::vector<std::string>& args);

}  // namespace hamail::bootstrap
