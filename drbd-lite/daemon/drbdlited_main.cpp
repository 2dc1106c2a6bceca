// drbdlited: the drbd-lite daemon of one node. Serves every volume under `volumes:` in
// cluster.yaml (always running, whether its volumes are Secondary or Primary), takes
// commands from `drbdlite` on the control socket, and logs one logfmt line per event; with
// metrics.drbdlited.listen, a Prometheus /metrics endpoint (DrbdMetrics).
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "hamail/base/large_buffer_heap.h"
#include "hamail/base/log.h"
#include "hamail/base/program_options.h"
#include "hamail/control/control_server.h"
#include "hamail/drbdlite/config/drbd_config.h"
#include "hamail/drbdlite/daemon/drbd_metrics.h"
#include "hamail/drbdlite/daemon/volume_set.h"
#include "hamail/metrics/metrics_server.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/signals.h"

namespace {

using namespace hamail;
using namespace hamail::drbdlite;

struct Options {
  std::string config = "/etc/hamail/cluster.yaml";
  std::string node;
  std::string runtime_dir = "/run/drbd-lite";
  std::string log_file;
  bool up_all = false;
};

int fail(const std::string& why) {
  std::cerr << "drbdlited: " << why << "\n";
  return 1;
}

Status make_runtime_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{"cannot create " + dir + ": " + ec.message()};
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, ec);
  return Status::ok();
}

// The runtime directory goes to the readers' group, so its members reach the control
// socket (the NBD sockets in it stay root's: mode 0660, group root). A group this node
// does not have leaves both root's, as the control server does with the socket.
void give_runtime_dir_to(const std::string& dir, const std::string& group, const Logger& log) {
  if (group.empty()) return;
  struct group* g = ::getgrnam(group.c_str());
  if (!g) {
    log.warning("control_group_unknown").kv("group", group).kv("hint", "only root can use the control socket");
    return;
  }
  if (::chown(dir.c_str(), 0, g->gr_gid) != 0)
    log.warning("runtime_dir_chgrp_failed").kv("path", dir).kv("group", group).kv("error", std::strerror(errno));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  ProgramOptions opts("drbdlited", "The drbd-lite daemon of one node: serves every volume of cluster.yaml.");
  opts.value("config", &o.config, "FILE", "cluster.yaml (only volumes: and the nodes' replication_addr are read)");
  opts.value("node", &o.node, "NAME", "this node's name in cluster.yaml (default: the host name)");
  opts.value("runtime-dir", &o.runtime_dir, "DIR", "control socket and default NBD sockets");
  opts.value("log-file", &o.log_file, "FILE", "also append the log here");
  opts.flag("up", &o.up_all, "bring every volume up at start");
  if (int rc = parse_or_exit_code(opts, argc, argv); rc >= 0) return rc;

  Logger log("drbdlited");
  if (Status st = add_log_file(log, o.log_file); !st) return fail(st.message());
  DrbdConfigLoad load = load_drbd_config(o.config);
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  if (!load.config) return 1;
  const DrbdConfig& cfg = *load.config;
  o.node = node_name_or_hostname(o.node);
  const NodeAddress* self = cfg.find_node(o.node);
  if (!self) return fail("this node '" + o.node + "' is not in " + o.config + " (use --node)");
  const NodeAddress* peer = cfg.peer_of(o.node);
  if (!peer) return fail(o.config + " names no peer node for " + o.node);

  // Requests and frames of up to a few MiB: reused from the heap, not mmapped afresh (a 9x
  // faster replicated 1 MiB write); at most 64 MiB stays free in the heap.
  if (Status st = keep_large_buffers_in_heap(64 << 20); !st)
    log.warning("allocator_not_tuned").kv("error", st.message()).kv("consequence", "large writes are slower");
  auto loop = uv::EventLoop::create();
  if (!loop) return fail(loop.error());
  if (Status st = make_runtime_dir(o.runtime_dir); !st) return fail(st.message());
  give_runtime_dir_to(o.runtime_dir, cfg.control_read_group, log);

  std::unique_ptr<ControlServer> control;
  DrbdMetrics metrics;
  VolumeSet volumes(log, o.config);
  auto publish = [&control](const nlohmann::json& ev) {
    if (control) control->publish(ev);
  };
  for (const auto& v : cfg.volumes) {
    VolumeSetup s{for_node(v, o.node, o.runtime_dir), o.node, peer->name, self->replication_addr, peer->replication_addr};
    auto runner = std::make_unique<VolumeRunner>(**loop, log, std::move(s), publish);
    if (!cfg.metrics_listen.empty())
      runner->set_write_observer([&metrics](const std::string& volume, const WriteSample& w) { metrics.on_write(volume, w); });
    volumes.add(std::move(runner));
  }
  auto ctl = ControlServer::listen(**loop, log, o.runtime_dir + "/control.sock",
                                   [&](const nlohmann::json& req, ControlSession& session) {
                                     return volumes.answer(req, session);
                                   },
                                   ControlAccess{"root", cfg.control_read_group});
  if (!ctl) return fail(ctl.error());
  control = std::move(*ctl);
  std::unique_ptr<metrics::MetricsServer> metrics_server;
  if (!cfg.metrics_listen.empty()) {
    auto address = metrics::parse_listen_address(cfg.metrics_listen);
    if (!address) return fail("metrics.drbdlited.listen: " + address.error());
    auto server = metrics::MetricsServer::listen(**loop, log, *address,
                                                 [&] { return metrics.render(volumes.volume_statuses()); });
    if (!server) return fail(server.error());
    metrics_server = std::move(*server);
    log.info("metrics_listening").kv("address", metrics_server->address());
  }

  log.info("started").kv("node", o.node).kv("config", o.config).kv("volumes", volumes.size()).kv("runtime_dir", o.runtime_dir);
  if (o.up_all) volumes.up_all();
  bool stopping = false;
  auto signals = uv::Signals::watch(**loop, {SIGTERM, SIGINT}, [&](int sig) {
    if (stopping) return;
    stopping = true;
    log.info("stopping").kv("signal", sig);
    metrics_server.reset();
    volumes.terminate_all();
    control.reset();
    (*loop)->stop();
  });
  if (!signals) return fail(signals.error());
  (*loop)->run();
  log.info("stopped");
  return 0;
}
