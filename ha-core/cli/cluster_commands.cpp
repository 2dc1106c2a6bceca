#include "hamail/hacore/cli/cluster_commands.h"

#include "hamail/base/program_options.h"

namespace hamail::hactl {

const char* const kClusterUsage =
    "usage: hactl cluster setup --name NAME NODE1=ADDR NODE2=ADDR [--ring2 NODE=ADDR]... [--replication NODE=ADDR]...\n"
    "                           [--volume NAME=DEVICE]... [--node THIS_NODE] [--root DIR] [--force]\n"
    "       hactl cluster start [--all] [--config FILE] [--node THIS_NODE]\n"
    "       hactl cluster stop [--all] [--config FILE] [--node THIS_NODE]\n"
    "       hactl cluster reload [--config FILE] [--node THIS_NODE] [--force]\n"
    "(hactl --help explains each)\n";

std::string comma_joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

std::string cluster_exists_text(const std::string& where, const std::vector<std::string>& paths) {
  return "a cluster is set up on " + where + ": " + comma_joined(paths) + (paths.size() == 1 ? " exists" : " exist") +
         " (add --force to replace them)";
}

Result<ClusterOptions> take_cluster_options(const std::vector<std::string>& args, const std::set<std::string>& allowed) {
  ClusterOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!allowed.count(a)) {
      o.rest.push_back(a);
      continue;
    }
    if (a == "--force" || a == "--all" || a == "--check" || a == "--restart-here") {
      (a == "--force" ? o.force : a == "--all" ? o.all : a == "--check" ? o.check : o.restart_here) = true;
      continue;
    }
    if (i + 1 == args.size()) return Error{a + " needs a value"};
    std::string& dst = a == "--node" ? o.node : a == "--root" ? o.root : a == "--for" ? o.for_node : o.config;
    dst = args[++i];
    if (dst.empty()) return Error{a + " needs a value"};
  }
  if (!o.root.empty() && o.root[0] != '/') return Error{"--root " + o.root + ": expected an absolute directory"};
  return o;
}

Result<Peer> find_peer(const std::vector<std::pair<std::string, std::string>>& nodes, const std::string& node_option,
                       const std::string& source) {
  std::string self = node_name_or_hostname(node_option);
  std::vector<std::string> names;
  for (const auto& [name, address] : nodes) names.push_back(name);
  if (nodes.size() != 2) return Error{source + ": expected two nodes, found " + std::to_string(nodes.size())};
  for (std::size_t i = 0; i < 2; ++i)
    if (nodes[i].first == self) return Peer{nodes[1 - i].first, nodes[1 - i].second};
  std::string how = node_option.empty() ? "this host's name" : "given with --node";
  return Error{"this node is '" + self + "' (" + how + "), not a node of " + source + " (" + comma_joined(names) +
               "): run hactl on one of them, or name this node with --node NAME"};
}

int run_cluster_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> rest = args.empty() ? args : std::vector<std::string>(args.begin() + 1, args.end());
  std::string sub = args.empty() ? "" : args[0];
  if (sub == "setup") return run_cluster_setup(rest, out, err);
  if (sub == "start" || sub == "stop") return run_cluster_services(sub == "start", rest, out, err);
  if (sub == "reload") return run_cluster_reload(rest, out, err);
  if (sub == "receive-files") return run_receive_files(rest, out, err);
  err << (sub.empty() ? std::string("hactl: cluster: which command?\n") : "hactl: cluster: unknown command '" + sub + "'\n")
      << kClusterUsage;
  return 2;
}

}  // namespace hamail::hactl
