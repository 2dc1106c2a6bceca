#include "hamail/mailsvc/dashboard/dashboard_actions.h"

#include <algorithm>

#include "hamail/mailsvc/webmail/token.h"

namespace hamail::mailsvc::dashboard {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxName = 128;

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > kMaxName) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c != 0x7f; });
}

Result<std::string> field(const json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return Error{std::string("missing \"") + key + "\""};
    return std::string();
  }
  if (!it->is_string()) return Error{std::string("\"") + key + "\" must be a string"};
  return it->get<std::string>();
}

}  // namespace

Result<DashboardAction> parse_dashboard_action(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{"a JSON object expected"};
  for (const auto& [k, v] : j.items())
    if (k != "action" && k != "target" && k != "to" && k != "confirm") return Error{"unknown field \"" + k + "\""};
  DashboardAction a;
  auto action = field(j, "action", true);
  auto target = field(j, "target", true);
  auto to = field(j, "to", false);
  auto confirm = field(j, "confirm", false);
  for (auto* r : {&action, &target, &to, &confirm})
    if (!*r) return Error{r->error()};
  a.action = *action;
  a.target = *target;
  a.to = *to;
  a.confirm = *confirm;
  if (a.action != "switchover" && a.action != "standby" && a.action != "unstandby" && a.action != "cleanup")
    return Error{"unknown action (switchover, standby, unstandby, cleanup)"};
  if (!valid_name(a.target)) return Error{"bad target"};
  if (!a.to.empty() && (a.action != "switchover" || !valid_name(a.to))) return Error{"\"to\" is for a switchover's node"};
  if (a.confirm.size() > 128) return Error{"bad confirmation token"};
  return a;
}

std::string describe(const DashboardAction& a) {
  if (a.action == "switchover")
    return "Switch group " + a.target + " over to " + (a.to.empty() ? std::string("the other node") : a.to) +
           ": its resources stop where they run and start there (a short outage of its services).";
  if (a.action == "standby") return "Put node " + a.target + " in standby: its groups move to the other node.";
  if (a.action == "unstandby") return "Take node " + a.target + " out of standby: it may run groups again.";
  return "Clean up resource " + a.target + ": its failures are forgotten and its state is probed again.";
}

json hacored_request(const DashboardAction& a) {
  if (a.action == "switchover") {
    json r = {{"cmd", "switchover"}, {"group", a.target}};
    if (!a.to.empty()) r["to"] = a.to;
    return r;
  }
  if (a.action == "standby" || a.action == "unstandby") return {{"cmd", a.action}, {"node", a.target}};
  return {{"cmd", "cleanup"}, {"resource", a.target}};
}

std::string ActionConfirmations::offer(const std::string& user, const DashboardAction& a, const std::string& token,
                                       std::int64_t now_ms) {
  std::erase_if(pending_, [&](const Pending& p) { return p.expires_ms <= now_ms; });
  if (pending_.size() >= kMax) pending_.erase(pending_.begin());
  pending_.push_back({token, user, a.action, a.target, a.to, now_ms + kLifetimeMs});
  return token;
}

bool ActionConfirmations::redeem(const std::string& user, const DashboardAction& a, std::int64_t now_ms) {
  if (a.confirm.empty()) return false;
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (!webmail::constant_time_equal(it->token, a.confirm)) continue;
    bool ok = it->expires_ms > now_ms && it->user == user && it->action == a.action && it->target == a.target &&
              it->to == a.to;
    pending_.erase(it);
    return ok;
  }
  return false;
}

}  // namespace hamail::mailsvc::dashboard
