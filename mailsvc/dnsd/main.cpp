// dnsd: the authoritative DNS server for the cluster's mail domains (UDP and TCP, AXFR to
// allowed secondaries, NOTIFY, RRL), answering as NSD does.
//   dnsd --config /etc/hamail/dnsd.yaml [--debug] [--check]
//   dnsd --control SOCKET reload|status
// SIGHUP: reload the zones; SIGTERM/SIGINT: stop.

#include <csignal>
#include <cstring>
#include <iostream>

#include "hamail/control/control_client.h"
#include "hamail/mailsvc/daemon/daemon_main.h"
#include "hamail/mailsvc/dnsd/dns_server.h"
#include "hamail/mailsvc/dnsd/dnsd_config.h"
#include "hamail/uv/event_loop.h"

namespace {

using namespace hamail;
using namespace hamail::mailsvc;

int control_command(const std::string& socket, const std::string& cmd) {
  if (cmd != "reload" && cmd != "status") {
    std::cerr << "dnsd: --control SOCKET reload|status (not '" << cmd << "')\n";
    return 2;
  }
  auto client = ControlClient::connect(ControlEndpoint{socket, "dnsd", "start it, e.g. `dnsd --config FILE`", "root"});
  if (!client) {
    std::cerr << "dnsd: " << client.error() << "\n";
    return 1;
  }
  auto reply = client->call({{"cmd", cmd}}, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  if (!reply) {
    std::cerr << "dnsd: " << reply.error() << "\n";
    return 1;
  }
  std::cout << reply->dump(2) << "\n";
  return reply->value("ok", false) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--control") == 0) {
    if (argc != 4) {
      std::cerr << "usage: dnsd --control SOCKET reload|status\n";
      return 2;
    }
    return control_command(argv[2], argv[3]);
  }
  daemon::DaemonMain m("dnsd",
                       "The authoritative DNS server (UDP, TCP, AXFR, NOTIFY, RRL) of the mail domains.\n"
                       "Also: dnsd --control SOCKET reload|status");
  if (auto rc = m.parse(argc, argv)) return *rc;
  auto config = dnsd::load_dnsd_config(m.config_path());
  if (auto rc = m.config_loaded(config)) return *rc;

  auto loop = uv::EventLoop::create();
  if (!loop) return m.startup_failed(loop.error());
  dnsd::DnsServer server(**loop, m.log(), *config);  // destroyed before the loop
  if (Status s = server.start(); !s) return m.startup_failed(s.message());
  if (Status s = m.give_up_root(); !s) return m.startup_failed(s.message());
  auto started = [&] {
    std::string ports;
    for (auto p : server.bound_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
    m.log().info("started").kv("listeners", static_cast<unsigned long>(config->listeners.size())).kv("ports", ports)
        .kv("zones", static_cast<unsigned long>(config->zones.size()));
  };
  return m.run(**loop, started, {SIGHUP}, [&](int) { server.reload("SIGHUP"); });
}
