// httpd: the static-file HTTP/1.1 server (plaintext, TLS, a redirect to HTTPS with HSTS).
//   httpd --config /etc/hamail/httpd.yaml [--debug] [--check: validate the file and exit]
// SIGTERM/SIGINT: stop.
#include <string>

#include "hamail/mailsvc/daemon/daemon_main.h"
#include "hamail/mailsvc/httpd/http_server.h"
#include "hamail/mailsvc/httpd/httpd_config.h"
#include "hamail/uv/event_loop.h"

int main(int argc, char** argv) {
  using namespace hamail;
  using namespace hamail::mailsvc;
  daemon::DaemonMain m("httpd", "The static-file HTTP/1.1 server (plaintext, TLS, HTTPS redirect with HSTS).");
  if (auto rc = m.parse(argc, argv)) return *rc;
  auto config = httpd::load_httpd_config(m.config_path());
  if (auto rc = m.config_loaded(config)) return *rc;

  auto loop = uv::EventLoop::create();
  if (!loop) return m.startup_failed(loop.error());
  httpd::HttpServer server(**loop, m.log(), *config);  // destroyed before the loop
  if (Status s = server.start(); !s) return m.startup_failed(s.message());
  if (Status s = m.give_up_root(); !s) return m.startup_failed(s.message());
  return m.run(**loop, [&] {
    std::string ports;
    for (auto p : server.bound_ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
    m.log().info("started").kv("listeners", static_cast<unsigned long>(config->listeners.size())).kv("ports", ports)
        .kv("document_root", config->document_root);
  });
}
