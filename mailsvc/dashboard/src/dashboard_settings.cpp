#include "hamail/mailsvc/dashboard/dashboard_settings.h"

#include <algorithm>

namespace hamail::mailsvc::dashboard {

Role role_of(const DashboardSettings& s, std::string_view user) {
  auto listed = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), user) != v.end(); };
  if (user.empty()) return Role::none;
  if (listed(s.admins)) return Role::admin;
  if (listed(s.viewers)) return Role::viewer;
  return Role::none;
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::viewer: return "viewer";
    case Role::none: break;
  }
  return "none";
}

}  // namespace hamail::mailsvc::dashboard
