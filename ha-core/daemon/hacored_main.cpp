// hacored: the cluster manager daemon of one node. Joins the cluster's CPG group,
// follows quorum, runs the ClusterCore (the DC schedules, every node applies results
// in CPG order), executes agent actions, probes and monitors with the Executor, and
// serves hactl on the control socket. Every operator-visible step is one logfmt line.
//   hacored --config /etc/hamail/cluster.yaml [--node NAME] [--socket PATH]
//           [--ocf-root DIR] [--log-file FILE]
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/hacore/cluster/connectivity.h"
#include "hamail/uv/child_process.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/corosync/membership_source.h"
#include "hamail/hacore/daemon/cpg_channel.h"
#include "hamail/hacore/executor/executor.h"
#include "hamail/control/control_server.h"
#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/fd_watcher.h"
#include "hamail/uv/signals.h"
#include "hamail/uv/timer.h"

namespace {

using hamail::cluster::AgentOutcome;
using hamail::cluster::Effects;
using hamail::cluster::LocalAction;
using nlohmann::json;

std::int64_t system_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct Options {
  std::string config = "/etc/hamail/cluster.yaml";
  std::string node;
  std::string socket;
  std::string ocf_root = "/usr/lib/ocf";
  std::string log_file;
};

int usage(const std::string& why) {
  std::cerr << "hacored: " << why << "\n"
            << "usage: hacored [--config FILE] [--node NAME] [--socket PATH] [--ocf-root DIR] [--log-file FILE]\n";
  return 2;
}

hamail::executor::Action action_of(hamail::scheduler::ActionKind k) {
  switch (k) {
    case hamail::scheduler::ActionKind::start: return hamail::executor::Action::start;
    case hamail::scheduler::ActionKind::stop: return hamail::executor::Action::stop;
    case hamail::scheduler::ActionKind::promote: return hamail::executor::Action::promote;
    case hamail::scheduler::ActionKind::demote: return hamail::executor::Action::demote;
    default: return hamail::executor::Action::monitor;
  }
}

// Writes an operator event as one logfmt record.
void log_event(const hamail::Logger& log, const json& e) {
  std::string name = e.value("event", "event");
  bool bad = name == "resource_failed" || name == "node_lost" || name == "transition_aborted" ||
             name == "switchover_failed" || name == "quorum_lost" ||
             (name == "scheduler_note" && e.value("note", "").rfind("WARNING", 0) == 0);
  auto rec = bad ? log.warning(name) : log.info(name);
  for (auto& [k, v] : e.items()) {
    if (k == "event" || k == "ts" || k == "ts_ms") continue;
    rec.kv(k, v.is_string() ? v.get<std::string>() : v.dump());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& dst) {
      if (i + 1 >= argc) return false;
      dst = argv[++i];
      return true;
    };
    if (a == "--config") { if (!value(o.config)) return usage("--config needs a file"); }
    else if (a == "--node") { if (!value(o.node)) return usage("--node needs a name"); }
    else if (a == "--socket") { if (!value(o.socket)) return usage("--socket needs a path"); }
    else if (a == "--ocf-root") { if (!value(o.ocf_root)) return usage("--ocf-root needs a directory"); }
    else if (a == "--log-file") { if (!value(o.log_file)) return usage("--log-file needs a file"); }
    else return usage("unknown argument '" + a + "'");
  }
  auto load = hamail::config::load_cluster_config(o.config);
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  if (!load.config) return 1;
  const hamail::config::ClusterConfig cfg = *load.config;
  if (o.node.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    o.node = host;
  }
  if (!cfg.find_node(o.node)) {
    std::cerr << "hacored: this node '" << o.node << "' is not in " << o.config << " (use --node)\n";
    return 1;
  }
  if (o.socket.empty()) o.socket = cfg.control.socket;
  hamail::LogLevel level = cfg.logging.level == "debug"     ? hamail::LogLevel::debug
                           : cfg.logging.level == "warning" ? hamail::LogLevel::warning
                           : cfg.logging.level == "error"   ? hamail::LogLevel::error
                                                            : hamail::LogLevel::info;
  hamail::Logger log("hacored", level);
  std::string log_file = o.log_file.empty() ? cfg.logging.file : o.log_file;
  if (!log_file.empty()) {
    std::string err;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(log_file).parent_path(), ec);
    if (!log.add_file(log_file, &err)) log.warning("log_file_unavailable").kv("error", err);
  }
  for (const auto& w : load.warnings) log.warning("config_warning").kv("warning", w);
  if (!cfg.stonith.enabled)
    log.warning("stonith_disabled")
        .kv("config", o.config)
        .kv("consequence", "a lost node is NOT fenced: after a split both nodes may run the same resources");

  auto loop_r = hamail::uv::EventLoop::create();
  if (!loop_r) {
    std::cerr << "hacored: " << loop_r.error() << "\n";
    return 1;
  }
  hamail::uv::EventLoop& loop = **loop_r;

  auto now = [&loop] { return hamail::cluster::Now{static_cast<std::int64_t>(loop.now_ms()), system_ms()}; };
  hamail::executor::ExecutorOptions xo;
  xo.ocf_root = o.ocf_root;
  xo.node_name = o.node;
  hamail::executor::Executor executor(loop, log, xo);
  for (const auto& g : cfg.groups)
    for (const auto& r : g.resources)
      if (auto st = executor.add_resource(r); !st)
        log.error("resource_rejected").kv("resource", r.name).kv("error", st.message());

  hamail::cluster::ClusterCore core(cfg, o.node);
  std::unique_ptr<hamail::ControlServer> control;
  std::unique_ptr<hamail::hacore::CpgChannel> cpg;
  bool stopping = false;

  auto monitor_interval = [&cfg](const std::string& res) -> std::uint64_t {
    for (const auto& g : cfg.groups)
      for (const auto& r : g.resources)
        if (r.name == res)
          for (const auto& op : r.ops)
            if (op.name == "monitor") return static_cast<std::uint64_t>(op.interval.count());
    return 0;
  };

  // Carries out what the core decided. Results come back later through the loop.
  std::function<void(Effects&)> run_effects = [&](Effects& fx) {
    for (auto& e : fx.events) {
      log_event(log, e);
      if (control) control->publish(e);
    }
    for (auto& m : fx.broadcast) {
      if (!cpg) break;
      if (auto st = cpg->send(hamail::cluster::protocol::encode(m)); !st) log.error("cpg_send_failed").kv("error", st.message());
    }
    for (auto& res : fx.stop_monitors) {
      if (auto interval = monitor_interval(res)) (void)executor.cancel_monitor(res, interval);
    }
    for (auto& res : fx.start_monitors) {
      std::uint64_t interval = monitor_interval(res);
      if (!interval) continue;
      auto st = executor.start_monitor(res, interval, [&, res](const hamail::executor::MonitorEvent& ev) {
        Effects out;
        core.on_monitor_result(res, static_cast<int>(ev.result.rc), ev.result.describe(), now(), out);
        run_effects(out);
      });
      if (!st) log.error("monitor_start_failed").kv("resource", res).kv("error", st.message());
    }
    for (auto& res : fx.probes) {
      auto st = executor.execute(res, hamail::executor::Action::monitor, [&, res](const hamail::executor::ActionResult& r) {
        Effects out;
        core.on_probe_result(res, static_cast<int>(r.rc), r.describe(), now(), out);
        run_effects(out);
      }, std::nullopt);
      if (!st) {
        Effects out;
        core.on_probe_result(res, 1, st.message(), now(), out);
        run_effects(out);
      }
    }
    for (auto& a : fx.run) {
      LocalAction act = a;
      auto st = executor.execute(act.resource, action_of(act.kind), [&, act](const hamail::executor::ActionResult& r) {
        AgentOutcome outcome{r.ok(), static_cast<int>(r.rc), r.ok() ? "" : r.describe(), r.duration_ms};
        Effects out;
        core.on_action_result(act, outcome, now(), out);
        run_effects(out);
      });
      if (!st) {
        Effects out;
        core.on_action_result(act, AgentOutcome{false, 1, st.message(), 0}, now(), out);
        run_effects(out);
      }
    }
  };

  // Quorum from libquorum (its own corosync connection).
  hamail::corosync::MembershipSource quorum;
  hamail::uv::FdWatcher quorum_fd(loop);
  auto quorum_view = [&](const hamail::corosync::MembershipView& v) {
    Effects fx;
    core.on_quorum(v.quorate, now(), fx);
    run_effects(fx);
  };
  // corosync may still be starting (boot order): retry for a bounded time.
  for (int attempt = 0;; ++attempt) {
    auto st = quorum.connect("hamail-quorum-" + cfg.name, quorum_view);
    if (st) break;
    if (attempt >= 150) {
      std::cerr << "hacored: cannot reach corosync after 30 s: " << st.message() << "\n";
      return 1;
    }
    if (attempt == 0) log.info("waiting_for_corosync").kv("error", st.message());
    usleep(200 * 1000);
  }
  (void)quorum_fd.start(quorum.quorum_fd(), [&] {
    if (auto st = quorum.dispatch_quorum(); !st) {
      log.error("corosync_lost").kv("error", st.message());
      loop.stop();
    }
  });
  hamail::uv::FdWatcher quorum_cpg_fd(loop);
  (void)quorum_cpg_fd.start(quorum.cpg_fd(), [&] { (void)quorum.dispatch_cpg(); });

  // The cluster's ordered channel.
  auto name_of = [&](std::uint32_t id) -> std::string {
    for (const auto& n : cfg.nodes)
      if (n.id == id) return n.name;
    return "";
  };
  hamail::hacore::CpgChannel::Callbacks cb;
  cb.on_message = [&](std::uint32_t from, std::string_view data) {
    if (name_of(from).empty()) {
      log.warning("cpg_message_ignored").kv("from_nodeid", from).kv("bytes", data.size());
      return;
    }
    Effects fx;
    core.on_message(name_of(from), data, now(), fx);
    run_effects(fx);
  };
  cb.on_membership = [&](const std::vector<std::uint32_t>& ids) {
    std::vector<std::string> names;
    for (auto id : ids)
      if (auto n = name_of(id); !n.empty()) names.push_back(n);
    Effects fx;
    core.on_group_membership(names, now(), fx);
    run_effects(fx);
  };
  cb.on_failure = [&](const std::string& err) {
    log.error("corosync_lost").kv("error", err);
    loop.stop();
  };
  cpg = std::make_unique<hamail::hacore::CpgChannel>(loop, cb);
  if (auto st = cpg->join("hamail-" + cfg.name); !st) {
    std::cerr << "hacored: cannot join the cluster group: " << st.message() << "\n";
    return 1;
  }

  // hactl.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(o.socket).parent_path(), ec);
  auto handler = [&](const json& req, hamail::ControlSession& session) -> std::optional<json> {
    auto decoded = hamail::cluster::decode_control_request(req);
    if (!decoded) return json{{"ok", false}, {"error", decoded.error()}};
    if (std::holds_alternative<hamail::cluster::StatusQuery>(*decoded)) return json{{"ok", true}, {"status", core.status()}};
    if (const auto* q = std::get_if<hamail::cluster::EventsQuery>(&*decoded)) {
      session.send(json{{"ok", true}});
      for (const auto& e : core.state().events)
        if (e.value("ts_ms", std::int64_t{0}) >= q->since_ms && !session.send(e)) return std::nullopt;
      if (q->follow) {
        session.subscribe();
      } else {
        session.end();
      }
      return std::nullopt;
    }
    const auto& op = std::get<hamail::cluster::OperatorCommand>(*decoded);
    auto msg = core.command(op, now());
    if (!msg) return json{{"ok", false}, {"error", msg.error()}};
    log.info("command").kv("cmd", hamail::cluster::command_name(op)).kv("request", req.dump());
    if (auto st = cpg->send(hamail::cluster::protocol::encode(*msg)); !st) return json{{"ok", false}, {"error", st.message()}};
    json reply = {{"ok", true}};
    if (const auto* sw = std::get_if<hamail::cluster::protocol::Switchover>(&msg->body)) {
      reply["id"] = sw->id;
      reply["group"] = sw->group;
      reply["to"] = sw->target;
    }
    if (const auto* c = std::get_if<hamail::cluster::protocol::SwitchoverClear>(&msg->body)) reply["group"] = c->group;
    return reply;
  };
  auto ctl = hamail::ControlServer::listen(loop, log, o.socket, handler, cfg.control.group);
  if (!ctl) {
    std::cerr << "hacored: " << ctl.error() << "\n";
    return 1;
  }
  control = std::move(*ctl);

  // Connectivity (ipfail): ping the targets every interval; report changes (with hysteresis).
  hamail::cluster::ConnectivityTracker reach(cfg.connectivity.failures);
  hamail::uv::Timer ping_timer(loop);
  std::vector<std::unique_ptr<hamail::uv::ChildProcess>> pings;
  int ping_answers = 0, ping_pending = 0;
  std::function<void()> ping_round = [&] {
    if (ping_pending > 0) return;  // the previous round is still running: bounded, one at a time
    pings.clear();
    ping_answers = 0;
    for (const auto& target : cfg.connectivity.targets) {
      hamail::uv::ChildOptions co;
      co.argv = {"/usr/bin/ping", "-n", "-q", "-c", "1", "-W", "1", target};
      co.env = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
      co.timeout_ms = 3000;
      co.max_output_bytes = 4096;
      auto child = hamail::uv::ChildProcess::spawn(loop, co, [&](const hamail::uv::ChildResult& r) {
        if (r.exit_code == 0) ++ping_answers;
        if (--ping_pending > 0) return;
        if (auto changed = reach.round(ping_answers > 0)) {
          log.warning(*changed ? "connectivity_regained_local" : "connectivity_lost_local")
              .kv("targets", json(cfg.connectivity.targets).dump());
          (void)cpg->send(hamail::cluster::protocol::encode(core.connectivity_report(*changed)));
        }
      });
      if (!child) {
        log.error("ping_failed").kv("target", target).kv("error", child.error());
        continue;
      }
      ++ping_pending;
      pings.push_back(std::move(*child));
    }
  };
  if (!cfg.connectivity.targets.empty())
    ping_timer.start(static_cast<std::uint64_t>(cfg.connectivity.interval.count()), ping_round,
                     static_cast<std::uint64_t>(cfg.connectivity.interval.count()));

  hamail::uv::Timer clock(loop);
  clock.start(200, [&] {
    Effects fx;
    core.tick(now(), fx);
    run_effects(fx);
  }, 200);

  // Clean stop: move this node's groups away (standby), wait until nothing runs here
  // (bounded), announce the departure, then leave.
  hamail::uv::Timer shutdown_timer(loop);
  std::int64_t shutdown_deadline = 0;
  auto signals = hamail::uv::Signals::watch(loop, {SIGTERM, SIGINT}, [&](int sig) {
    if (stopping) {
      log.warning("stop_forced").kv("signal", sig);
      loop.stop();
      return;
    }
    stopping = true;
    log.info("stopping").kv("signal", sig).kv("node", o.node);
    if (!core.is_dc() && core.state().members.size() <= 1 && core.runs_nothing_here()) {
      loop.stop();
      return;
    }
    (void)cpg->send(hamail::cluster::protocol::encode(core.shutdown_request()));
    shutdown_deadline = now().mono_ms + 120000;
    shutdown_timer.start(200, [&] {
      bool alone = core.state().members.size() <= 1;
      if (core.runs_nothing_here() || alone || now().mono_ms > shutdown_deadline) {
        if (!core.runs_nothing_here())
          log.warning("stopping_with_resources").kv("reason", alone ? "no peer to take them" : "timed out");
        shutdown_timer.stop();
        loop.stop();
      }
    }, 200);
  });
  if (!signals) {
    std::cerr << "hacored: " << signals.error() << "\n";
    return 1;
  }
  log.info("started").kv("node", o.node).kv("config", o.config).kv("socket", o.socket).kv("nodeid", cpg->local_nodeid());
  loop.run();
  control.reset();
  cpg.reset();
  log.info("stopped").kv("node", o.node);
  return 0;
}
