// hacored: the cluster manager daemon of one node. Loads the configuration, then only
// wires libuv to the shell: corosync's quorum and CPG descriptors, the agent executor,
// the control socket, a 200 ms tick, the ping interval and SIGTERM/SIGINT go to
// NodeShell, ControlHandler, ConnectivityReporter and ShutdownSequence (ha-core/daemon),
// which run the ClusterCore. Every operator-visible step is one logfmt line.
//   hacored --config /etc/hamail/cluster.yaml [--node NAME] [--socket PATH]
//           [--ocf-root DIR] [--log-file FILE]
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

#include "hamail/base/log.h"
#include "hamail/base/program_options.h"
#include "hamail/control/control_server.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/corosync/membership_source.h"
#include "hamail/hacore/daemon/adapters/cpg_channel.h"
#include "hamail/hacore/daemon/adapters/executor_agents.h"
#include "hamail/hacore/daemon/adapters/loop_clock.h"
#include "hamail/hacore/daemon/adapters/ping_prober.h"
#include "hamail/hacore/daemon/adapters/session_replies.h"
#include "hamail/hacore/daemon/connectivity_reporter.h"
#include "hamail/hacore/daemon/control_handler.h"
#include "hamail/hacore/daemon/node_shell.h"
#include "hamail/hacore/daemon/shutdown_sequence.h"
#include "hamail/hacore/executor/executor.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/fd_watcher.h"
#include "hamail/uv/signals.h"
#include "hamail/uv/timer.h"

namespace {

using namespace hamail;

struct Options {
  std::string config = "/etc/hamail/cluster.yaml";
  std::string node;
  std::string socket;
  std::string ocf_root = "/usr/lib/ocf";
  std::string log_file;
};

LogLevel level_of(const std::string& s) {
  return s == "debug" ? LogLevel::debug : s == "warning" ? LogLevel::warning : s == "error" ? LogLevel::error
                                                                                             : LogLevel::info;
}

// Quorum comes from libquorum (its own corosync connection); corosync may still be
// starting (boot order): retried for a bounded time.
Status connect_quorum(corosync::MembershipSource& quorum, const std::string& cluster, const Logger& log,
                      hacore::NodeShell& shell) {
  auto on_view = [&shell](const corosync::MembershipView& v) { shell.on_quorum(v.quorate); };
  for (int attempt = 0;; ++attempt) {
    Status st = quorum.connect("hamail-quorum-" + cluster, on_view);
    if (st) return st;
    if (attempt >= 150) return Error{"cannot reach corosync after 30 s: " + st.message()};
    if (attempt == 0) log.info("waiting_for_corosync").kv("error", st.message());
    usleep(200 * 1000);
  }
}

int run(const Options& o, const config::ClusterConfig& cfg, const Logger& log) {
  auto loop_r = uv::EventLoop::create();
  if (!loop_r) {
    std::cerr << "hacored: " << loop_r.error() << "\n";
    return 1;
  }
  uv::EventLoop& loop = **loop_r;

  executor::ExecutorOptions xo;
  xo.ocf_root = o.ocf_root;
  xo.node_name = o.node;
  executor::Executor executor(loop, log, xo);
  for (const auto& g : cfg.groups)
    for (const auto& r : g.resources)
      if (auto st = executor.add_resource(r); !st)
        log.error("resource_rejected").kv("resource", r.name).kv("error", st.message());

  hacore::ExecutorAgents agents(executor);
  hacore::LoopClock clock(loop);
  hacore::NodeShell* shell_ptr = nullptr;  // the channel exists first; it delivers only once joined
  hacore::CpgChannel::Callbacks cb;
  cb.on_message = [&](std::uint32_t from, std::string_view data) { shell_ptr->on_message(from, data); };
  cb.on_membership = [&](const std::vector<std::uint32_t>& ids) { shell_ptr->on_membership(ids); };
  cb.on_failure = [&](const std::string& err) {
    log.error("corosync_lost").kv("error", err);
    loop.stop();
  };
  hacore::CpgChannel cpg(loop, cb);
  cluster::ClusterCore core(cfg, o.node);
  hacore::NodeShell shell(cfg, core, agents, cpg, clock, log);
  shell_ptr = &shell;

  corosync::MembershipSource quorum;
  if (auto st = connect_quorum(quorum, cfg.name, log, shell); !st) {
    std::cerr << "hacored: " << st.message() << "\n";
    return 1;
  }
  uv::FdWatcher quorum_fd(loop), quorum_cpg_fd(loop);
  (void)quorum_fd.start(quorum.quorum_fd(), [&] {
    if (auto st = quorum.dispatch_quorum(); !st) {
      log.error("corosync_lost").kv("error", st.message());
      loop.stop();
    }
  });
  (void)quorum_cpg_fd.start(quorum.cpg_fd(), [&] { (void)quorum.dispatch_cpg(); });
  if (auto st = cpg.join("hamail-" + cfg.name); !st) {
    std::cerr << "hacored: cannot join the cluster group: " << st.message() << "\n";
    return 1;
  }

  // hactl.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(o.socket).parent_path(), ec);
  hacore::ControlHandler control_handler(shell);
  auto ctl = ControlServer::listen(
      loop, log, o.socket,
      [&](const nlohmann::json& req, ControlSession& session) {
        hacore::SessionReplies replies(session);
        return control_handler.handle(req, replies);
      },
      cfg.control.group);
  if (!ctl) {
    std::cerr << "hacored: " << ctl.error() << "\n";
    return 1;
  }
  std::unique_ptr<ControlServer> control = std::move(*ctl);
  shell.set_event_listener([&control](const nlohmann::json& e) { control->publish(e); });

  // Connectivity (ipfail): a round every interval, one at a time.
  hacore::PingProber prober(loop, log);
  hacore::ConnectivityReporter reach(shell, prober);
  uv::Timer ping_timer(loop);
  if (!cfg.connectivity.targets.empty()) {
    auto every = static_cast<std::uint64_t>(cfg.connectivity.interval.count());
    ping_timer.start(every, [&] { reach.on_interval(); }, every);
  }

  hacore::ShutdownSequence shutdown(shell);
  uv::Timer tick(loop);
  tick.start(200, [&] {
    shell.tick();
    if (shutdown.on_tick() == hacore::ShutdownSequence::Step::stop) loop.stop();
  }, 200);
  auto signals = uv::Signals::watch(loop, {SIGTERM, SIGINT}, [&](int sig) {
    if (shutdown.on_signal(sig) == hacore::ShutdownSequence::Step::stop) loop.stop();
  });
  if (!signals) {
    std::cerr << "hacored: " << signals.error() << "\n";
    return 1;
  }
  log.info("started").kv("node", o.node).kv("config", o.config).kv("socket", o.socket).kv("nodeid", cpg.local_nodeid())
      .kv("protocol", cluster::protocol::kVersion);
  loop.run();
  shell.set_event_listener(nullptr);
  control.reset();
  log.info("stopped").kv("node", o.node);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  ProgramOptions options("hacored", "The cluster manager daemon of one node (run after corosync).");
  options.value("config", &o.config, "FILE", "the cluster configuration");
  options.value("node", &o.node, "NAME", "this node's name in the configuration (default: the host name)");
  options.value("socket", &o.socket, "PATH", "the control socket (default: control.socket of the configuration)");
  options.value("ocf-root", &o.ocf_root, "DIR", "where the OCF resource agents are");
  options.value("log-file", &o.log_file, "FILE", "also log to this file (default: logging.file of the configuration)");
  if (int code = parse_or_exit_code(options, argc, argv); code >= 0) return code;

  auto load = config::load_cluster_config(o.config);
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  if (!load.config) return 1;
  const config::ClusterConfig cfg = *load.config;
  o.node = node_name_or_hostname(o.node);
  if (!cfg.find_node(o.node)) {
    std::cerr << "hacored: this node '" << o.node << "' is not in " << o.config << " (use --node)\n";
    return 1;
  }
  if (o.socket.empty()) o.socket = cfg.control.socket;
  Logger log("hacored", level_of(cfg.logging.level));
  if (auto st = add_log_file(log, o.log_file.empty() ? cfg.logging.file : o.log_file); !st)
    log.warning("log_file_unavailable").kv("error", st.message());
  for (const auto& w : load.warnings) log.warning("config_warning").kv("warning", w);
  if (!cfg.stonith.enabled)
    log.warning("stonith_disabled")
        .kv("config", o.config)
        .kv("consequence", "a lost node is NOT fenced: after a split both nodes may run the same resources");
  return run(o, cfg, log);
}
