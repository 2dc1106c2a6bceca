// `hactl cluster start|stop [--all]`: this node's corosync, drbdlited and hacored through
// systemctl (node_services.h); with --all the peer's too, through ssh (`hactl cluster start`
// there). Start goes this node first, stop the peer first, so this node's answer comes last.
#include <optional>

#include "hamail/base/program_options.h"
#include "hamail/hacore/cli/cluster_commands.h"
#include "hamail/hacore/cli/node_services.h"
#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::hactl {
namespace {

constexpr std::uint64_t kPeerServicesTimeoutMs = 450'000;  // up to three systemctl calls there
constexpr const char* kDefaultClusterYaml = "/etc/hamail/cluster.yaml";

Result<Peer> peer_from_config(const ClusterOptions& o) {
  std::string file = o.config.empty() ? kDefaultClusterYaml : o.config;
  config::ConfigLoad load = config::load_cluster_config(file);
  if (!load.config)
    return Error{(load.errors.empty() ? file + ": cannot load" : load.errors[0].to_string()) + " (hactl config validate " +
                 file + ")"};
  std::vector<std::pair<std::string, std::string>> nodes;
  for (const auto& n : load.config->nodes) nodes.emplace_back(n.name, n.ring_addrs.empty() ? "" : n.ring_addrs[0]);
  return find_peer(nodes, o.node, file);
}

Status on_peer(bool start, const Peer& peer, std::ostream& out) {
  auto reply = run_hactl_on_peer(peer, {"cluster", start ? "start" : "stop"}, "", kPeerServicesTimeoutMs);
  if (!reply) return Error{reply.error()};
  out << reply->out;  // it names itself
  return Status::ok();
}

Status on_this_node(bool start, const ClusterOptions& o, std::ostream& out) {
  out << node_name_or_hostname(o.node) << ":\n";
  return start ? start_node_units(out) : stop_node_units(out);
}

}  // namespace

int run_cluster_services(bool start, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string name = start ? "start" : "stop";
  auto opts = take_cluster_options(args, {"--all", "--config", "--node"});
  if (!opts || !opts->rest.empty()) {
    err << "hactl: cluster " << name << ": " << (opts ? "unexpected argument " + opts->rest[0] : opts.error()) << "\n"
        << "usage: hactl cluster " << name << " [--all] [--config FILE] [--node THIS_NODE]\n";
    return 2;
  }
  std::optional<Peer> peer;
  if (opts->all) {
    auto p = peer_from_config(*opts);
    if (!p) {
      err << "hactl: cluster " << name << " --all: " << p.error() << "\n";
      return 1;
    }
    peer = *p;
  }
  Status st = Status::ok();
  if (start) {
    st = on_this_node(true, *opts, out);
    if (st && peer) st = on_peer(true, *peer, out);
  } else {
    if (peer) st = on_peer(false, *peer, out);
    if (st) st = on_this_node(false, *opts, out);
  }
  if (!st) {
    err << "hactl: cluster " << name << ": " << st.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace hamail::hactl
