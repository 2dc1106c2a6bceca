// `hactl cluster setup|start|stop|reload` and the hidden `hactl cluster receive-files` that setup
// runs on the peer through ssh: making a new cluster's files on both nodes, and driving
// both nodes' services. Each run_* returns the exit code: 0 done, 1 refused or failed,
// 2 bad command line.
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/cli/peer_shell.h"

namespace hamail::hactl {

// The cluster commands' usage lines (after a bad command line).
extern const char* const kClusterUsage;

// args: what follows `cluster`.
int run_cluster_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

int run_cluster_setup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_receive_files(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_cluster_reload(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int run_cluster_services(bool start, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The options the cluster subcommands share; `rest` keeps every other word in order.
struct ClusterOptions {
  std::string node;    // --node NAME: this node's name (default: the host name)
  std::string root;    // --root DIR: prefix of every path written or checked
  std::string config;  // --config FILE (default /etc/hamail/cluster.yaml)
  std::string for_node;  // --for NAME (receive-files): the node the files are meant for
  bool force = false;  // --force
  bool all = false;    // --all
  bool check = false;  // --check
  bool restart_here = false;  // --restart-here (reload, on the peer through ssh)
  std::vector<std::string> rest;
};

// Takes the options in `allowed` (e.g. {"--node", "--force"}) out of `args`.
Result<ClusterOptions> take_cluster_options(const std::vector<std::string>& args, const std::set<std::string>& allowed);

// This node (--node, else the host name) must be one of `nodes` (name, address); the other
// one is the peer. The error names `source` (the command line, a cluster.yaml) and the nodes.
Result<Peer> find_peer(const std::vector<std::pair<std::string, std::string>>& nodes, const std::string& node_option,
                       const std::string& source);

// "a, b, c" (paths and node names in messages).
std::string comma_joined(const std::vector<std::string>& items);
// "a cluster is set up on WHERE: P1, P2 exist (add --force to replace them)".
std::string cluster_exists_text(const std::string& where, const std::vector<std::string>& paths);

}  // namespace hamail::hactl
