// `hactl cluster reload [--config FILE] [--node THIS_NODE] [--force]`: both nodes run the
// cluster.yaml edited on this one, and no resource stops. It validates the file, refuses
// what a restart of hacored cannot apply (nodes or links: corosync.conf would change) and
// the removal of a resource that runs (unless --force), copies the file to the peer (ssh,
// receive-files), switches maintenance mode on, restarts hacored on the peer and then here
// (`reload --restart-here`: a stop in maintenance mode leaves everything running, the new
// hacored finds it with its probes), checks that both nodes report the file's sha256, and
// switches maintenance off again. On any failure maintenance stays on and it says so.
#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "hamail/base/program_options.h"
#include "hamail/hacore/bootstrap/file_bundle.h"
#include "hamail/hacore/cli/cluster_commands.h"
#include "hamail/hacore/cli/control_target.h"
#include "hamail/hacore/cli/daemon_commands.h"
#include "hamail/hacore/cli/node_services.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/config/corosync_conf.h"

namespace hamail::hactl {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kPeerTimeoutMs = 300'000;
constexpr auto kMaintenanceSeenTimeout = std::chrono::seconds(30);
constexpr auto kRestartTimeout = std::chrono::seconds(180);  // the new hacored online and probed

Result<json> local_status(const std::string& file) {
  auto ep = resolve_control_endpoint(file, std::nullopt);
  if (!ep) return Error{ep.error()};
  auto client = ControlClient::connect(*ep);
  if (!client) return Error{client.error()};
  auto reply = request(*client, {{"cmd", "status"}});
  if (!reply) return Error{reply.error()};
  if (!reply->contains("status") || !(*reply)["status"].is_object()) return Error{"no status in hacored's reply"};
  return (*reply)["status"];
}

Status set_maintenance(const std::string& file, bool on) {
  auto ep = resolve_control_endpoint(file, std::nullopt);
  if (!ep) return Error{ep.error()};
  auto client = ControlClient::connect(*ep);
  if (!client) return Error{client.error()};
  auto reply = request(*client, {{"cmd", "maintenance"}, {"on", on}});
  if (!reply) return Error{reply.error()};
  return Status::ok();
}

// Polls this node's hacored until `ready(status)` says "" (ready) or the deadline; the
// last reason (or the connection error) is the error.
Status wait_local(const std::string& file, Clock::duration timeout, const std::function<std::string(const json&)>& ready) {
  auto deadline = Clock::now() + timeout;
  std::string why;
  for (;;) {
    auto s = local_status(file);
    why = s ? ready(*s) : s.error();
    if (why.empty()) return Status::ok();
    if (Clock::now() >= deadline) return Error{why};
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

std::string node_status(const json& s, const std::string& node) {
  for (const auto& n : s.value("nodes", json::array()))
    if (n.value("name", "") == node) return n.value("status", "");
  return "";
}

std::string node_digest(const json& s, const std::string& node) {
  for (const auto& n : s.value("nodes", json::array()))
    if (n.value("name", "") == node) return n.value("config_sha256", "");
  return "";
}

// Resources that run somewhere (started, promoted, ...) and are not in `cfg`.
std::vector<std::string> running_but_removed(const json& s, const config::ClusterConfig& cfg) {
  std::set<std::string> kept;
  for (const auto& g : cfg.groups)
    for (const auto& r : g.resources) kept.insert(r.name);
  std::vector<std::string> out;
  for (const auto& g : s.value("groups", json::array()))
    for (const auto& r : g.value("resources", json::array())) {
      bool runs = false;
      const json where = r.value("on", json::object());
      for (const auto& [node, st] : where.items())
        runs = runs || (st.is_string() && st.get<std::string>() != "stopped");
      if (runs && !kept.count(r.value("name", ""))) out.push_back(r.value("name", "") + " (group " + g.value("name", "") + ")");
    }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What a hacored restart cannot apply, or "".
std::string needs_corosync_restart(const config::ClusterConfig& cfg) {
  std::string current = read_file(bootstrap::kCorosyncConfPath);
  if (current.empty()) return std::string("cannot read ") + bootstrap::kCorosyncConfPath + " to compare the nodes and links";
  if (current != config::render_corosync_conf(cfg))
    return std::string("the nodes, links or totem settings changed (") + bootstrap::kCorosyncConfPath +
           " differs from `hactl config corosync`): corosync must restart, which a reload does not do; use hactl "
           "cluster stop --all, write the new corosync.conf on both nodes, hactl cluster start --all";
  return "";
}

// The peer's part: this node's hacored, restarted in maintenance mode.
int restart_here(const ClusterOptions& o, const std::string& file, std::ostream& out, std::ostream& err) {
  std::string self = node_name_or_hostname(o.node);
  auto fail = [&](const std::string& m) {
    err << "hactl: cluster reload on " << self << ": " << m << "\n";
    return 1;
  };
  auto load = config::load_cluster_config(file);
  if (!load.config) return fail(load.errors.empty() ? file + ": cannot load" : load.errors[0].to_string());
  // A stop outside maintenance mode would move the groups away: it must be seen here first.
  if (auto st = wait_local(file, kMaintenanceSeenTimeout, [](const json& s) {
        return s.value("maintenance", false) ? "" : "maintenance mode is not on here; hacored was not restarted";
      }); !st)
    return fail(st.message());
  auto started = Clock::now();
  out << self << ":\n";
  if (auto st = restart_node_unit("hacored", out); !st) return fail(st.message());
  const std::string digest = load.config->digest;
  if (auto st = wait_local(file, kRestartTimeout, [&](const json& s) -> std::string {
        if (node_status(s, self) != "online") return "hacored restarted but " + self + " is " + node_status(s, self);
        if (node_digest(s, self) != digest) return "hacored restarted but runs another cluster.yaml";
        return "";
      }); !st)
    return fail(st.message());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  out << "  hacored runs cluster.yaml " << digest.substr(0, 16) << ", online and probed after " << ms << " ms\n";
  return 0;
}

}  // namespace

int run_cluster_reload(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto opts = take_cluster_options(args, {"--config", "--node", "--force", "--restart-here"});
  if (!opts || !opts->rest.empty()) {
    err << "hactl: cluster reload: " << (opts ? "unexpected argument " + opts->rest[0] : opts.error()) << "\n"
        << "usage: hactl cluster reload [--config FILE] [--node THIS_NODE] [--force]\n";
    return 2;
  }
  const std::string file = opts->config.empty() ? kDefaultConfigFile : opts->config;
  if (opts->restart_here) return restart_here(*opts, file, out, err);
  auto fail = [&err](const std::string& m) {
    err << "hactl: cluster reload: " << m << "\n";
    return 1;
  };
  auto load = config::load_cluster_config(file);
  if (!load.config) {
    for (const auto& e : load.errors) err << e.to_string() << "\n";
    return fail(file + " is not valid; nothing was changed");
  }
  const config::ClusterConfig& cfg = *load.config;
  std::vector<std::pair<std::string, std::string>> nodes;
  for (const auto& n : cfg.nodes) nodes.emplace_back(n.name, n.ring_addrs.empty() ? "" : n.ring_addrs[0]);
  auto peer = find_peer(nodes, opts->node, file);
  if (!peer) return fail(peer.error());
  std::string self = node_name_or_hostname(opts->node);

  auto status = local_status(file);
  if (!status) return fail("hacored on this node: " + status.error() + "; nothing was changed");
  for (const auto& n : {self, peer->name})
    if (node_status(*status, n) != "online")
      return fail(n + " is " + node_status(*status, n) + ", not online: reload needs both nodes; nothing was changed");
  if (status->contains("transition") && !(*status)["transition"].is_null())
    return fail("a transition is running (hactl status): reload once it has ended; nothing was changed");
  if (status->value("protocol", json::object()).value("frozen", false))
    return fail("the cluster is frozen (an incompatible peer); nothing was changed");
  if (std::string why = needs_corosync_restart(cfg); !why.empty() && !opts->force) return fail(why + "; nothing was changed");
  if (auto removed = running_but_removed(*status, cfg); !removed.empty() && !opts->force)
    return fail("running, and not in " + file + ": " + comma_joined(removed) +
                "; they would keep running unmanaged: move them out first (standby, or stop the group), or add "
                "--force; nothing was changed");
  auto started = Clock::now();
  std::string bundle = bootstrap::encode_bundle(
      {{file, 0644, read_file(file), bootstrap::OnExisting::replace}});
  auto copied = run_hactl_on_peer(*peer, {"cluster", "receive-files", "--for", peer->name}, bundle, kPeerTimeoutMs);
  if (!copied) return fail(copied.error() + "\nnothing was changed on either node's hacored");
  out << peer->name << " (through ssh to " << peer->address << "):\n" << copied->out;
  if (node_digest(*status, self) == cfg.digest && node_digest(*status, peer->name) == cfg.digest) {
    out << "both nodes already run this cluster.yaml (" << cfg.digest.substr(0, 16) << "); no restart needed\n";
    return 0;
  }

  bool was_on = status->value("maintenance", false);
  if (!was_on) {
    if (auto st = set_maintenance(file, true); !st) return fail("maintenance on: " + st.message());
    out << "maintenance mode on: nothing starts, stops or moves during the reload\n";
  }
  const std::string stays_on = "\nmaintenance mode stays on: check `hactl status`, then `hactl maintenance off`";
  std::vector<std::string> peer_args = {"cluster", "reload", "--restart-here", "--config", file};
  auto remote = run_hactl_on_peer(*peer, peer_args, "", kPeerTimeoutMs);
  if (!remote) return fail(remote.error() + stays_on);
  out << remote->out;
  if (int rc = restart_here(*opts, file, out, err); rc != 0) return fail("restarting hacored here failed" + stays_on);
  if (auto st = wait_local(file, kMaintenanceSeenTimeout, [&](const json& s) -> std::string {
        for (const auto& n : {self, peer->name})
          if (node_digest(s, n) != cfg.digest)
            return n + " reports cluster.yaml " + node_digest(s, n).substr(0, 16) + ", not " + cfg.digest.substr(0, 16);
        return "";
      }); !st)
    return fail(st.message() + stays_on);
  if (!was_on) {
    if (auto st = set_maintenance(file, false); !st) return fail("maintenance off: " + st.message() + stays_on);
    out << "maintenance mode off\n";
  } else {
    out << "maintenance mode was on before the reload and stays on\n";
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  out << "reloaded: " << self << " and " << peer->name << " run cluster.yaml " << cfg.digest.substr(0, 16) << " ("
      << ms << " ms)\n";
  return 0;
}

}  // namespace hamail::hactl
