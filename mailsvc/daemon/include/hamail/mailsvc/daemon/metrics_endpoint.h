// A mail daemon's /metrics endpoint: when `metrics: {listen}` is configured, a MetricsServer
// (common/metrics) on the daemon's loop serving MailMetrics::render(); bound as root, like
// the mail listeners, before the privileges are dropped.
#pragma once

#include <memory>

#include "hamail/base/log.h"
#include "hamail/base/result.h"
#include "hamail/metrics/metrics_server.h"
#include "hamail/uv/event_loop.h"
#include "hamail/mailsvc/daemon/daemon_config.h"
#include "hamail/mailsvc/daemon/mail_metrics.h"

namespace hamail::mailsvc::daemon {

// Null when config.metrics_listen is empty; else listening, logged `metrics_listening address`.
// Errors: `metrics.listen: ...` (the address, or the bind).
Result<std::unique_ptr<metrics::MetricsServer>> listen_metrics(uv::EventLoop& loop, const Logger& log,
                                                              const DaemonConfig& config, const MailMetrics& metrics);

}  // namespace hamail::mailsvc::daemon
