// A MetricsServer on 127.0.0.1 with a free port and a small registry (a counter of
// scrapes), for the curl integration test: prints "listening PORT" and serves until
// SIGTERM. Usage: metrics-endpoint-demo [MAX_REQUEST_BYTES]
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "hamail/metrics/metrics_server.h"
#include "hamail/metrics/text_format.h"
#include "hamail/uv/signals.h"

int main(int argc, char** argv) {
  using namespace hamail;
  Logger log("metrics-endpoint-demo");
  auto loop = uv::EventLoop::create();
  if (!loop) return 1;
  metrics::Registry registry;
  if (!registry.add_counter("demo_scrapes_total", "Scrapes answered by this demo.").is_ok()) return 1;
  metrics::ServerLimits limits;
  if (argc > 1) limits.max_request_bytes = std::strtoul(argv[1], nullptr, 10);
  auto collect = [&registry] {
    (void)registry.inc("demo_scrapes_total");
    return metrics::render_text(registry);
  };
  auto server = metrics::MetricsServer::listen(**loop, log, {"127.0.0.1", 0}, collect, limits);
  if (!server) {
    std::cerr << server.error() << "\n";
    return 1;
  }
  auto signals = uv::Signals::watch(**loop, {SIGTERM, SIGINT}, [&](int) { (*loop)->stop(); });
  if (!signals) return 1;
  std::cout << "listening " << (*server)->local_port() << std::endl;
  (*loop)->run();
  return 0;
}
