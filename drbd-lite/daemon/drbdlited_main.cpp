// drbdlited: the drbd-lite daemon of one node. Serves every volume under `volumes:` in
// cluster.yaml (always running, whether its volumes are Secondary or Primary), takes
// commands from `drbdlite` on the control socket, and logs one logfmt line per event.
//   drbdlited --config /etc/hamail/cluster.yaml [--node NAME] [--runtime-dir /run/drbd-lite]
//             [--log-file FILE] [--up]
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/control/control_server.h"
#include "hamail/drbdlite/daemon/volume_runner.h"
#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/signals.h"

namespace {

using hamail::Error;
using hamail::Status;
using nlohmann::json;

struct Options {
  std::string config = "/etc/hamail/cluster.yaml";
  std::string node;
  std::string runtime_dir = "/run/drbd-lite";
  std::string log_file;
  bool up_all = false;
};

int usage(const std::string& why) {
  std::cerr << "drbdlited: " << why << "\n"
            << "usage: drbdlited [--config FILE] [--node NAME] [--runtime-dir DIR] [--log-file FILE] [--up]\n";
  return 2;
}

std::string expand_node(std::string s, const std::string& node) {
  for (std::size_t p; (p = s.find("%n")) != std::string::npos;) s.replace(p, 2, node);
  return s;
}

json volume_reply(hamail::drbdlite::VolumeRunner& v, Status st) {
  if (!st) return {{"ok", false}, {"error", st.message()}};
  return {{"ok", true}, {"status", v.status()}};
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
    else if (a == "--runtime-dir") { if (!value(o.runtime_dir)) return usage("--runtime-dir needs a directory"); }
    else if (a == "--log-file") { if (!value(o.log_file)) return usage("--log-file needs a file"); }
    else if (a == "--up") o.up_all = true;
    else return usage("unknown argument '" + a + "'");
  }
  hamail::Logger log("drbdlited");
  if (!o.log_file.empty()) {
    std::string err;
    if (!log.add_file(o.log_file, &err)) return usage(err);
  }
  auto load = hamail::config::load_cluster_config(o.config);
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  if (!load.config) return 1;
  const auto& cfg = *load.config;
  if (o.node.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    o.node = host;
  }
  const auto* self = cfg.find_node(o.node);
  if (!self) {
    std::cerr << "drbdlited: this node '" << o.node << "' is not in " << o.config << " (use --node)\n";
    return 1;
  }
  const hamail::config::NodeConfig* peer = nullptr;
  for (const auto& n : cfg.nodes)
    if (n.name != o.node) peer = &n;
  if (!peer) {
    std::cerr << "drbdlited: " << o.config << " names no peer node for " << o.node << "\n";
    return 1;
  }

  auto loop = hamail::uv::EventLoop::create();
  if (!loop) {
    std::cerr << "drbdlited: " << loop.error() << "\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.runtime_dir, ec);
  if (ec) {
    std::cerr << "drbdlited: cannot create " << o.runtime_dir << ": " << ec.message() << "\n";
    return 1;
  }
  std::filesystem::permissions(o.runtime_dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                                  std::filesystem::perms::group_exec, ec);

  std::unique_ptr<hamail::ControlServer> control;
  std::map<std::string, std::unique_ptr<hamail::drbdlite::VolumeRunner>> volumes;
  auto publish = [&control](const json& ev) {
    if (control) control->publish(ev);
  };
  for (const auto& v : cfg.volumes) {
    hamail::drbdlite::VolumeSetup s;
    s.volume = v;
    s.volume.device = expand_node(v.device, o.node);
    if (v.meta != "internal") s.volume.meta = expand_node(v.meta, o.node);
    s.node = o.node;
    s.peer_node = peer->name;
    s.local_addr = self->replication_addr;
    s.peer_addr = peer->replication_addr;
    s.nbd_socket = o.runtime_dir + "/" + v.name + ".nbd";
    volumes[v.name] = std::make_unique<hamail::drbdlite::VolumeRunner>(**loop, log, s, publish);
  }

  auto handler = [&](const json& req, hamail::ControlSession& session) -> std::optional<json> {
    std::string cmd = req["cmd"];
    if (cmd == "events") {
      session.subscribe();
      return json{{"ok", true}};
    }
    if (cmd == "status") {
      json list = json::array();
      std::string want = req.value("volume", "");
      for (auto& [name, v] : volumes)
        if (want.empty() || want == name) list.push_back(v->status());
      if (!want.empty() && list.empty()) return json{{"ok", false}, {"error", "no volume named '" + want + "' in " + o.config}};
      return json{{"ok", true}, {"volumes", list}};
    }
    std::string name = req.value("volume", "");
    auto it = volumes.find(name);
    if (it == volumes.end()) return json{{"ok", false}, {"error", "no volume named '" + name + "' in " + o.config}};
    auto& v = *it->second;
    bool force = req.value("force", false);
    log.info("command").kv("cmd", cmd).kv("volume", name).kv("force", force);
    if (cmd == "create-md") return volume_reply(v, v.create_md(force));
    if (cmd == "up") return volume_reply(v, v.up());
    if (cmd == "down") return volume_reply(v, v.down());
    if (cmd == "primary") return volume_reply(v, v.primary(force));
    if (cmd == "secondary") return volume_reply(v, v.secondary());
    if (cmd == "connect") return volume_reply(v, v.connect(req.value("discard_my_data", false)));
    if (cmd == "disconnect") return volume_reply(v, v.disconnect());
    if (cmd == "invalidate") return volume_reply(v, v.invalidate());
    if (cmd == "verify") return volume_reply(v, v.verify());
    return json{{"ok", false}, {"error", "unknown command '" + cmd + "'"}};
  };
  auto ctl = hamail::ControlServer::listen(**loop, log, o.runtime_dir + "/control.sock", handler);
  if (!ctl) {
    std::cerr << "drbdlited: " << ctl.error() << "\n";
    return 1;
  }
  control = std::move(*ctl);

  log.info("started").kv("node", o.node).kv("config", o.config).kv("volumes", volumes.size()).kv("runtime_dir", o.runtime_dir);
  if (o.up_all) {
    for (auto& [name, v] : volumes)
      if (Status st = v->up(); !st) log.error("up_failed").kv("volume", name).kv("error", st.message());
  }
  bool stopping = false;
  auto signals = hamail::uv::Signals::watch(**loop, {SIGTERM, SIGINT}, [&](int sig) {
    if (stopping) return;
    stopping = true;
    log.info("stopping").kv("signal", sig);
    for (auto& [name, v] : volumes)
      if (Status st = v->terminate(); !st) log.error("down_failed").kv("volume", name).kv("error", st.message());
    volumes.clear();
    control.reset();
    (*loop)->stop();
  });
  if (!signals) {
    std::cerr << "drbdlited: " << signals.error() << "\n";
    return 1;
  }
  (*loop)->run();
  log.info("stopped");
  return 0;
}
