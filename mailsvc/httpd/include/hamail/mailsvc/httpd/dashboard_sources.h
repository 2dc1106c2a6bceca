// The dashboard's reads of the two control sockets, blocking, for libuv's pool (never the
// loop): hacored's `status` and `events` (the history), drbdlited's `status`, each under
// the configured timeout; a source that fails is named in its SourceAnswer.
#pragma once

#include "hamail/mailsvc/dashboard/cluster_view.h"
#include "hamail/mailsvc/dashboard/dashboard_settings.h"

namespace hamail::mailsvc::httpd {

dashboard::ClusterSources fetch_cluster_sources(const dashboard::DashboardSettings& settings);

}  // namespace hamail::mailsvc::httpd
