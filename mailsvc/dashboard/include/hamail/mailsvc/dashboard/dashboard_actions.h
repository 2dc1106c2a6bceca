// The dashboard's actions (admins only) in two steps: a first POST names the action and
// gets back what will happen and a one-time confirmation token; a second POST with that
// token (same user, action and target, within 60 s) runs it as hacored's own request
// (the JSON hactl sends). Pending confirmations are bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"

namespace hamail::mailsvc::dashboard {

struct DashboardAction {
  std::string action;  // switchover | standby | unstandby | cleanup
  std::string target;  // the group, node or resource
  std::string to;      // switchover: the node to move to (empty: the other one)
  std::string confirm; // the token of the first step (empty: this is the first step)
};

// {"action", "target", "to"?, "confirm"?}: strict (known actions, names of 1..128 printable
// bytes); the error says what is wrong (400).
Result<DashboardAction> parse_dashboard_action(std::string_view body);
// What the action will do, for the confirmation dialog.
std::string describe(const DashboardAction& a);
// hacored's request, as hactl builds it (invocation.cpp): {"cmd": "switchover", "group", "to"?},
// {"cmd": "standby"|"unstandby", "node"}, {"cmd": "cleanup", "resource"}.
nlohmann::json hacored_request(const DashboardAction& a);

class ActionConfirmations {
 public:
  static constexpr std::size_t kMax = 64;
  static constexpr std::int64_t kLifetimeMs = 60000;

  // A token for `user` to confirm `a` with (the oldest pending one goes when full).
  std::string offer(const std::string& user, const DashboardAction& a, const std::string& token, std::int64_t now_ms);
  // true once for a live token of this user, action, target and destination; the token is
  // gone either way when it matched one.
  bool redeem(const std::string& user, const DashboardAction& a, std::int64_t now_ms);
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    std::string token, user, action, target, to;
    std::int64_t expires_ms = 0;
  };
  std::vector<Pending> pending_;  // oldest first
};

}  // namespace hamail::mailsvc::dashboard
