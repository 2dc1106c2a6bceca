// What httpd's connections share for the cluster dashboard: its settings and the one
// feed of hacored's events the browsers' event streams subscribe to, the actions waiting
// for their confirmation.
#pragma once

#include <memory>

#include "hamail/mailsvc/dashboard/dashboard_actions.h"
#include "hamail/mailsvc/dashboard/dashboard_settings.h"
#include "hamail/mailsvc/httpd/dashboard_event_feed.h"

namespace hamail::mailsvc::httpd {

struct DashboardService {
  const dashboard::DashboardSettings& settings;
  HacoredEventFeed events;
  dashboard::ActionConfirmations confirmations;
};

}  // namespace hamail::mailsvc::httpd
