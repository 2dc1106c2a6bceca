// httpd.yaml's `dashboard:` section: hacored_socket, drbdlited_socket (absolute paths),
// admins and viewers (mail users), request_timeout. It needs a `webmail:` section: the
// dashboard's logins and sessions are webmail's (the mail password).
#pragma once

#include <optional>

#include "hamail/base/yaml_reader.h"
#include "hamail/mailsvc/dashboard/dashboard_settings.h"

namespace hamail::mailsvc::httpd {

void read_dashboard(config::MapReader& top, bool has_webmail, std::optional<dashboard::DashboardSettings>& out);

}  // namespace hamail::mailsvc::httpd
