#include "hamail/mailsvc/daemon/metrics_endpoint.h"

namespace hamail::mailsvc::daemon {

Result<std::unique_ptr<metrics::MetricsServer>> listen_metrics(uv::EventLoop& loop, const Logger& log,
                                                              const DaemonConfig& config, const MailMetrics& metrics) {
  if (config.metrics_listen.empty()) return std::unique_ptr<metrics::MetricsServer>();
  auto address = metrics::parse_listen_address(config.metrics_listen);
  if (!address) return Error{"metrics.listen: " + address.error()};
  auto server = metrics::MetricsServer::listen(loop, log, *address, [&metrics] { return metrics.render(); });
  if (!server) return Error{"metrics.listen: " + server.error()};
  log.info("metrics_listening").kv("address", (*server)->address());
  return std::move(*server);
}

}  // namespace hamail::mailsvc::daemon
