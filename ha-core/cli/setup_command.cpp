// `hactl cluster setup`: on one node, makes the new cluster's files (bootstrap::make_bootstrap_plan),
// checks that neither node has a cluster (the peer through `hactl cluster receive-files
// --for PEER --check` over ssh, which also checks ssh reached the peer by its host name),
// writes the peer's files, then this node's. Nothing is written
// anywhere until both checks passed; keys travel on ssh's stdin only.
#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "hamail/base/program_options.h"
#include "hamail/hacore/bootstrap/file_bundle.h"
#include "hamail/hacore/cli/cluster_commands.h"
#include "hamail/hacore/cli/file_installer.h"

namespace hamail::hactl {
namespace {

constexpr std::uint64_t kPeerTimeoutMs = 120'000;

// getrandom(2): blocks only until the kernel's pool is initialized, once after boot.
Result<std::string> random_bytes(std::size_t n) {
  std::string out(n, '\0');
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = ::getrandom(out.data() + done, n - done, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error{std::string("getrandom: ") + std::strerror(errno)};
    done += static_cast<std::size_t>(r);
  }
  return out;
}

// The peer: --check first (refuses over a cluster there), then the files.
Status write_on_peer(const Peer& peer, const std::string& bundle, bool force, std::ostream& out) {
  std::vector<std::string> args = {"cluster", "receive-files", "--for", peer.name, "--check"};
  if (force) args.push_back("--force");
  auto checked = run_hactl_on_peer(peer, args, bundle, kPeerTimeoutMs);
  if (!checked) return Error{checked.error() + "\nnothing was written on either node"};
  args.erase(args.begin() + 4);
  auto written = run_hactl_on_peer(peer, args, bundle, kPeerTimeoutMs);
  if (!written) return Error{written.error() + "\nnothing was written on this node"};
  out << peer.name << " (through ssh to " << peer.address << "):\n" << written->out;
  return Status::ok();
}

void next_steps(const bootstrap::SetupRequest& r, std::ostream& out) {
  out << "Cluster '" << r.cluster_name << "' is set up on " << r.nodes[0].name << " and " << r.nodes[1].name << ".\n"
      << "Fencing is off until you name a device per node (stonith: in /etc/hamail/cluster.yaml, then copy the file\n"
      << "to the other node). Start both nodes with\n"
      << "  hactl cluster start --all\n"
      << "and enable the services at boot on each node: systemctl enable corosync drbdlited hacored\n";
}

}  // namespace

int run_cluster_setup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto opts = take_cluster_options(args, {"--node", "--root", "--force"});
  auto request = opts ? bootstrap::parse_setup_request(opts->rest) : Result<bootstrap::SetupRequest>(Error{opts.error()});
  if (!request) {
    err << "hactl: cluster setup: " << request.error() << "\n" << kClusterUsage;
    return 2;
  }
  auto fail = [&err](const std::string& message) {
    err << "hactl: cluster setup: " << message << "\n";
    return 1;
  };
  std::vector<std::pair<std::string, std::string>> nodes;
  for (const auto& n : request->nodes) nodes.emplace_back(n.name, n.ring_addrs[0]);
  auto peer = find_peer(nodes, opts->node, "the command line");
  if (!peer) return fail(peer.error());
  auto plan = bootstrap::make_bootstrap_plan(*request, random_bytes);
  if (!plan) return fail(plan.error());
  FileInstaller here(opts->root);
  if (auto blocking = here.blocking(plan->files); !blocking.empty() && !opts->force)
    return fail(cluster_exists_text("this node", blocking) + "; nothing was written on either node");
  if (auto st = here.check_writable(plan->files); !st) return fail(st.message() + "; nothing was written on either node");
  if (auto st = write_on_peer(*peer, bootstrap::encode_bundle(plan->files), opts->force, out); !st) return fail(st.message());
  out << node_name_or_hostname(opts->node) << " (this node):\n";
  if (auto st = here.install(plan->files, out); !st)
    return fail(st.message() + "\nthe peer's files are written; fix this and run the same setup again with --force");
  next_steps(*request, out);
  return 0;
}

}  // namespace hamail::hactl
