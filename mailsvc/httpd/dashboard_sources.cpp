#include "hamail/mailsvc/httpd/dashboard_sources.h"

#include <chrono>
#include <deque>

#include "hamail/control/control_client.h"

namespace hamail::mailsvc::httpd {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxEvents = 5000;  // the newest kept for the history

std::string prefix(const std::string& daemon) { return daemon + " on this node "; }

ControlEndpoint endpoint(const std::string& path, const std::string& daemon) { return {path, daemon, "", ""}; }

// One request, one reply under the deadline; the reply's "error" when it says ok: false.
Result<json> ask(const ControlEndpoint& ep, const json& request, Clock::time_point deadline, std::uint64_t timeout_ms) {
  auto client = ControlClient::connect(ep);
  if (!client) return Error{prefix(ep.daemon) + "not reachable: " + client.error()};
  if (Status st = client->send(request); !st) return Error{prefix(ep.daemon) + "not reachable: " + st.message()};
  auto r = client->receive(deadline);
  if (!r) return Error{prefix(ep.daemon) + "answered garbage: " + r.error()};
  if (r->kind == Received::Kind::timed_out)
    return Error{prefix(ep.daemon) + "not answering (nothing within " + std::to_string(timeout_ms) + " ms)"};
  if (r->kind == Received::Kind::closed) return Error{prefix(ep.daemon) + "not answering (closed without a reply)"};
  if (!r->value.is_object()) return Error{prefix(ep.daemon) + "answered garbage (not an object)"};
  if (r->value.contains("ok") && r->value["ok"] == false)
    return Error{prefix(ep.daemon) + "refused: " + r->value.value("error", std::string("no reason given"))};
  return std::move(r->value);
}

dashboard::SourceAnswer hacored_status(const dashboard::DashboardSettings& s, Clock::time_point deadline) {
  auto reply = ask(endpoint(s.hacored_socket, "hacored"), {{"cmd", "status"}}, deadline, s.request_timeout_ms);
  if (!reply) return {std::nullopt, reply.error()};
  if (!reply->contains("status") || !(*reply)["status"].is_object())
    return {std::nullopt, prefix("hacored") + "answered garbage (no status object)"};
  return {std::move((*reply)["status"]), {}};
}

// `events` without follow: {"ok": true}, the history, then hacored closes. What arrived
// before the deadline is used (the history is a convenience; the status is the truth).
std::vector<json> hacored_events(const dashboard::DashboardSettings& s, Clock::time_point deadline) {
  ControlEndpoint ep = endpoint(s.hacored_socket, "hacored");
  auto client = ControlClient::connect(ep);
  if (!client || !client->send({{"cmd", "events"}, {"follow", false}})) return {};
  std::deque<json> events;
  bool first = true;
  for (;;) {
    auto r = client->receive(deadline);
    if (!r || r->kind != Received::Kind::line) break;
    if (first) {
      first = false;
      if (r->value.is_object() && r->value.contains("ok")) continue;  // the acceptance line
    }
    events.push_back(std::move(r->value));
    if (events.size() > kMaxEvents) events.pop_front();
  }
  return {std::make_move_iterator(events.begin()), std::make_move_iterator(events.end())};
}

dashboard::SourceAnswer drbdlited_status(const dashboard::DashboardSettings& s, Clock::time_point deadline) {
  auto reply = ask(endpoint(s.drbdlited_socket, "drbdlited"), {{"cmd", "status"}}, deadline, s.request_timeout_ms);
  if (!reply) return {std::nullopt, reply.error()};
  if (!reply->contains("volumes") || !(*reply)["volumes"].is_array())
    return {std::nullopt, prefix("drbdlited") + "answered garbage (no volumes list)"};
  return {std::move(*reply), {}};
}

}  // namespace

Result<json> ask_hacored(const dashboard::DashboardSettings& s, const json& request) {
  return ask(endpoint(s.hacored_socket, "hacored"), request, Clock::now() + std::chrono::milliseconds(s.request_timeout_ms),
             s.request_timeout_ms);
}

dashboard::ClusterSources fetch_cluster_sources(const dashboard::DashboardSettings& s) {
  auto timeout = std::chrono::milliseconds(s.request_timeout_ms);
  dashboard::ClusterSources out;
  out.hacored = hacored_status(s, Clock::now() + timeout);
  if (out.hacored.document) out.events = hacored_events(s, Clock::now() + timeout);
  out.drbdlited = drbdlited_status(s, Clock::now() + timeout);
  return out;
}

}  // namespace hamail::mailsvc::httpd
