// hacored: the cluster manager daemon of one node. Loads the configuration, then only
// wires libuv to the shell: corosync's quorum and CPG descriptors, the agent executor,
// the control socket, a 200 ms tick, the ping interval and SIGTERM/SIGINT go to
// NodeShell, ControlHandler, ConnectivityReporter and ShutdownSequence (ha-core/daemon),
// which run the ClusterCore; with metrics.hacored.listen, a /metrics endpoint (HacoreMetrics).
// Every operator-visible step is one logfmt line.
//   hacored --config /etc/hamail/cluster.yaml [--node NAME] [--socket PATH]
//           [--ocf-root DIR] [--fence-path DIRS] [--log-file FILE]
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
#include "hamail/hacore/daemon/adapters/corosync_link_reader.h"
#include "hamail/hacore/daemon/adapters/cpg_channel.h"
#include "hamail/hacore/daemon/adapters/executor_agents.h"
#include "hamail/hacore/daemon/adapters/fence_agent_runner.h"
#include "hamail/hacore/daemon/adapters/loop_clock.h"
#include "hamail/hacore/daemon/adapters/ping_prober.h"
#include "hamail/hacore/daemon/adapters/session_replies.h"
#include "hamail/hacore/daemon/connectivity_reporter.h"
#include "hamail/hacore/daemon/control_handler.h"
#include "hamail/hacore/daemon/hacore_metrics.h"
#include "hamail/hacore/daemon/node_shell.h"
#include "hamail/hacore/daemon/shutdown_sequence.h"
#include "hamail/hacore/executor/executor.h"
#include "hamail/metrics/metrics_server.h"
#include "hamail/uv/blocking_work.h"
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
  std::string fence_path = "/usr/sbin:/sbin:/usr/local/sbin";
  std::string log_file;
};

LogLevel level_of(const std::string& s) {
  return s == "debug" ? LogLevel::debug : s == "warning" ? LogLevel::warning : s == "error" ? LogLevel::error
                                                                                             : LogLevel::info;
}

std::vector<std::string> split_path(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= s.size()) {
    auto to = s.find(':', from);
    if (to == std::string::npos) to = s.size();
    if (to > from) out.push_back(s.substr(from, to - from));
    from = to + 1;
  }
  return out;
}

executor::ExecutorOptions executor_options(const Options& o) {
  executor::ExecutorOptions xo;
  xo.ocf_root = o.ocf_root;
  xo.node_name = o.node;
  return xo;
}

// Everything of one running hacored, in the order it is built (and torn down in reverse).
// Callbacks run only inside loop.run(), after start().
class Hacored {
 public:
  Hacored(uv::EventLoop& loop, const Options& o, const config::ClusterConfig& cfg, const Logger& log)
      : loop_(loop), o_(o), cfg_(cfg), log_(log),
        executor_(loop, log, executor_options(o)),
        agents_(executor_),
        fence_devices_(loop, log, split_path(o.fence_path), static_cast<std::uint64_t>(cfg.stonith.timeout.count())),
        clock_(loop),
        cpg_(loop, channel_callbacks()),
        core_(cfg, o.node),
        shell_(cfg, core_, agents_, fence_devices_, cpg_, clock_, log),
        control_handler_(shell_),
        prober_(loop, log),
        reach_(shell_, prober_),
        shutdown_(shell_),
        quorum_fd_(loop), quorum_cpg_fd_(loop), ping_timer_(loop), tick_(loop), links_timer_(loop) {
    for (const auto& g : cfg.groups)
      for (const auto& r : g.resources)
        if (auto st = executor_.add_resource(r); !st)
          log.error("resource_rejected").kv("resource", r.name).kv("error", st.message());
    for (const auto& d : cfg.stonith.devices)
      if (auto found = fence_devices_.find(d.agent); !found)
        log.warning("fence_agent_missing").kv("device", d.name).kv("error", found.error());
  }

  Status start() {
    if (auto st = connect_quorum(); !st) return st;
    if (auto st = cpg_.join("hamail-" + cfg_.name); !st) return Error{"cannot join the cluster group: " + st.message()};
    if (auto st = listen_control(); !st) return st;
    if (auto st = listen_metrics(); !st) return st;
    start_timers();
    auto signals = uv::Signals::watch(loop_, {SIGTERM, SIGINT}, [this](int sig) {
      if (shutdown_.on_signal(sig) == hacore::ShutdownSequence::Step::stop) loop_.stop();
    });
    if (!signals) return Error{signals.error()};
    signals_ = std::move(*signals);
    log_.info("started").kv("node", o_.node).kv("config", o_.config).kv("socket", o_.socket)
        .kv("nodeid", cpg_.local_nodeid()).kv("protocol", cluster::protocol::kVersion);
    return Status::ok();
  }

  ~Hacored() { shell_.set_event_listener(nullptr); }

 private:
  hacore::CpgChannel::Callbacks channel_callbacks() {
    hacore::CpgChannel::Callbacks cb;
    cb.on_message = [this](std::uint32_t from, std::string_view data) { shell_.on_message(from, data); };
    cb.on_membership = [this](const std::vector<std::uint32_t>& ids) { shell_.on_membership(ids); };
    cb.on_failure = [this](const std::string& err) {
      log_.error("corosync_lost").kv("error", err);
      loop_.stop();
    };
    // A plan made with quorum must meet this node's quorum as it is now (not as a late
    // notification would say): see TransitionStart::quorate.
    cb.before_dispatch = [this] {
      if (auto st = quorum_.refresh_quorate(); !st) log_.debug("quorum_refresh_failed").kv("error", st.message());
    };
    return cb;
  }

  // Quorum comes from libquorum (its own corosync connection); corosync may still be
  // starting (boot order): retried for a bounded time.
  Status connect_quorum() {
    auto on_view = [this](const corosync::MembershipView& v) { shell_.on_quorum(v.quorate); };
    for (int attempt = 0;; ++attempt) {
      Status st = quorum_.connect("hamail-quorum-" + cfg_.name, on_view);
      if (st) break;
      if (attempt >= 150) return Error{"cannot reach corosync after 30 s: " + st.message()};
      if (attempt == 0) log_.info("waiting_for_corosync").kv("error", st.message());
      usleep(200 * 1000);
    }
    (void)quorum_fd_.start(quorum_.quorum_fd(), [this] {
      if (auto st = quorum_.dispatch_quorum(); !st) {
        log_.error("corosync_lost").kv("error", st.message());
        loop_.stop();
      }
    });
    (void)quorum_cpg_fd_.start(quorum_.cpg_fd(), [this] { (void)quorum_.dispatch_cpg(); });
    return Status::ok();
  }

  Status listen_control() {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(o_.socket).parent_path(), ec);
    auto handler = [this](const nlohmann::json& req, ControlSession& session) {
      hacore::SessionReplies replies(session);
      return control_handler_.handle(req, replies);
    };
    auto ctl = ControlServer::listen(loop_, log_, o_.socket, handler, ControlAccess{cfg_.control.group, cfg_.control.read_group});
    if (!ctl) return Error{ctl.error()};
    control_ = std::move(*ctl);
    shell_.set_event_listener([this](const nlohmann::json& e) {
      metrics_.on_event(e);
      control_->publish(e);
    });
    return Status::ok();
  }

  // The Prometheus endpoint (metrics.hacored.listen; off when empty): the gauges are read
  // from the status hactl gets, at each scrape.
  Status listen_metrics() {
    if (cfg_.metrics.listen.empty()) return Status::ok();
    auto address = metrics::parse_listen_address(cfg_.metrics.listen);
    if (!address) return Error{"metrics.hacored.listen: " + address.error()};
    auto collect = [this] { return metrics_.render(shell_.status()); };
    auto server = metrics::MetricsServer::listen(loop_, log_, *address, collect);
    if (!server) return Error{server.error()};
    metrics_server_ = std::move(*server);
    log_.info("metrics_listening").kv("address", metrics_server_->address());
    return Status::ok();
  }

  // The core's clock tick (and the clean stop's checks); connectivity rounds (ipfail).
  void start_timers() {
    tick_.start(200, [this] {
      shell_.tick();
      if (shutdown_.on_tick() == hacore::ShutdownSequence::Step::stop) loop_.stop();
    }, 200);
    links_timer_.start(0, [this] { read_links(); }, kLinksEveryMs);
    if (cfg_.connectivity.targets.empty()) return;
    auto every = static_cast<std::uint64_t>(cfg_.connectivity.interval.count());
    ping_timer_.start(every, [this] { reach_.on_interval(); }, every);
  }

  // corosync's links to the other nodes, read on the pool (libcfg's calls block), one
  // reading at a time.
  void read_links() {
    if (links_job_ && !links_job_->finished()) return;
    std::vector<std::uint32_t> peers;
    for (const auto& n : cfg_.nodes)
      if (n.name != o_.node) peers.push_back(n.id);
    auto job = uv::run_blocking<hacore::LinkReading>(
        loop_, [peers] { return hacore::read_corosync_links(peers); },
        [this](hacore::LinkReading r) { shell_.on_link_reading(std::move(r)); });
    if (!job) log_.warning("corosync_links_not_read").kv("error", job.error());
    else links_job_ = std::move(*job);
  }

  static constexpr std::uint64_t kLinksEveryMs = 2000;
  uv::EventLoop& loop_;
  const Options& o_;
  const config::ClusterConfig& cfg_;
  const Logger& log_;
  executor::Executor executor_;
  hacore::ExecutorAgents agents_;
  hacore::FenceAgentRunner fence_devices_;
  hacore::LoopClock clock_;
  hacore::CpgChannel cpg_;
  cluster::ClusterCore core_;
  hacore::NodeShell shell_;
  hacore::ControlHandler control_handler_;
  hacore::PingProber prober_;
  hacore::ConnectivityReporter reach_;
  hacore::ShutdownSequence shutdown_;
  corosync::MembershipSource quorum_;
  uv::FdWatcher quorum_fd_, quorum_cpg_fd_;
  uv::Timer ping_timer_, tick_, links_timer_;
  std::unique_ptr<uv::BlockingWork> links_job_;
  std::unique_ptr<ControlServer> control_;
  hacore::HacoreMetrics metrics_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;
  std::unique_ptr<uv::Signals> signals_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  ProgramOptions options("hacored", "The cluster manager daemon of one node (run after corosync).");
  options.value("config", &o.config, "FILE", "the cluster configuration");
  options.value("node", &o.node, "NAME", "this node's name in the configuration (default: the host name)");
  options.value("socket", &o.socket, "PATH", "the control socket (default: control.socket of the configuration)");
  options.value("ocf-root", &o.ocf_root, "DIR", "where the OCF resource agents are");
  options.value("fence-path", &o.fence_path, "DIRS", "where fence agents are looked for (':'-separated)");
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
  auto loop = uv::EventLoop::create();
  if (!loop) {
    std::cerr << "hacored: " << loop.error() << "\n";
    return 1;
  }
  Hacored hacored(**loop, o, cfg, log);
  if (auto st = hacored.start(); !st) {
    std::cerr << "hacored: " << st.message() << "\n";
    return 1;
  }
  (*loop)->run();
  log.info("stopped").kv("node", o.node);
  return 0;
}
