// The dashboard's reads of the two control sockets, blocking, for libuv's pool (never the
// loop): hacored's `status` and `events` (the history), drbdlited's `status`, each under
// the configured timeout; a source that fails is named in its SourceAnswer.
#pragma once

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"
#include "hamail/mailsvc/dashboard/cluster_view.h"
#include "hamail/mailsvc/dashboard/dashboard_settings.h"

namespace hamail::mailsvc::httpd {

dashboard::ClusterSources fetch_cluster_sources(const dashboard::DashboardSettings& settings);

// One request to hacored under the timeout (an action): its reply, or an error that starts
// "hacored on this node " (not reachable / not answering / answered garbage / refused: ...).
Result<nlohmann::json> ask_hacored(const dashboard::DashboardSettings& settings, const nlohmann::json& request);

}  // namespace hamail::mailsvc::httpd
