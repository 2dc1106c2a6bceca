#include "hamail/mailsvc/httpd/dashboard_config.h"

#include <algorithm>

#include "hamail/mailsvc/daemon/config_file.h"

namespace hamail::mailsvc::httpd {

void read_dashboard(config::MapReader& top, bool has_webmail, std::optional<dashboard::DashboardSettings>& out) {
  daemon::read_section(top, "dashboard", [&](config::MapReader& m) {
    dashboard::DashboardSettings d;
    if (auto v = m.absolute_path("hacored_socket", config::Need::required)) d.hacored_socket = *v;
    if (auto v = m.absolute_path("drbdlited_socket", config::Need::required)) d.drbdlited_socket = *v;
    if (auto v = m.string_list("admins")) d.admins = *v;
    if (auto v = m.string_list("viewers")) d.viewers = *v;
    if (auto v = m.duration("request_timeout"))
      d.request_timeout_ms = static_cast<std::uint64_t>(std::clamp<long long>(v->count(), 100, 60000));
    if (d.admins.empty() && d.viewers.empty())
      m.sink().add(m.node(), "dashboard", "name at least one user in admins or viewers");
    if (!has_webmail)
      m.sink().add(m.node(), "dashboard", "needs a webmail: section (its logins and sessions are webmail's)");
    out = d;
  });
}

}  // namespace hamail::mailsvc::httpd
