// The cluster dashboard's settings (httpd.yaml `dashboard:`): the two control sockets it
// reads (hacored's, drbdlited's), who may look (viewers) and who may act (admins), by
// their mail login; and the role a logged-in user has.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hamail::mailsvc::dashboard {

struct DashboardSettings {
  std::string hacored_socket;              // absolute, required
  std::string drbdlited_socket;            // absolute, required
  std::vector<std::string> admins;         // mail users who may act (and look)
  std::vector<std::string> viewers;        // mail users who may look
  std::uint64_t request_timeout_ms = 3000; // each control-socket request
};

enum class Role { none, viewer, admin };

// admin when listed in admins, else viewer when in viewers, else none (403).
Role role_of(const DashboardSettings& s, std::string_view user);
std::string_view role_name(Role r);

}  // namespace hamail::mailsvc::dashboard
