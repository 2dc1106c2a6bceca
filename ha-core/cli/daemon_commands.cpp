#include "hamail/hacore/cli/daemon_commands.h"

#include <iostream>
#include <thread>

#include <unistd.h>

#include "hamail/hacore/cli/control_target.h"
#include "hamail/hacore/cli/event_text.h"
#include "hamail/hacore/cli/node_services.h"
#include "hamail/hacore/cli/status_text.h"

namespace hamail::hactl {

using nlohmann::json;

std::int64_t now_epoch_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<json> request(ControlClient& client, const json& req) {
  auto reply = client.call(req, std::chrono::steady_clock::now() + kReplyTimeout);
  if (!reply) return Error{reply.error()};
  if (!reply->is_object() || !reply->contains("ok") || !(*reply)["ok"].is_boolean())
    return Error{"unexpected reply from hacored (no \"ok\"): " + reply->dump().substr(0, 200)};
  if (!(*reply)["ok"].get<bool>()) {
    std::string e = reply->value("error", std::string());
    return Error{e.empty() ? "hacored refused the request (no reason given)" : e};
  }
  return reply;
}

namespace {

int fail(std::ostream& err, const std::string& message) {
  err << "hactl: " << message << "\n";
  return 1;
}

int run_status(const Invocation& inv, ControlClient& client, std::ostream& out, std::ostream& err) {
  auto reply = request(client, daemon_request(inv));
  if (!reply) return fail(err, reply.error());
  auto s = reply->find("status");
  if (s == reply->end() || !s->is_object()) return fail(err, "unexpected reply from hacored: no \"status\" object");
  out << (inv.json ? s->dump(2) + "\n" : render_status(*s, &out == &std::cout && isatty(1)));
  return 0;
}

int run_events(const Invocation& inv, ControlClient& client, std::ostream& out, std::ostream& err) {
  auto reply = request(client, daemon_request(inv));
  if (!reply) return fail(err, reply.error());
  for (;;) {
    auto r = client.receive();
    if (!r) return fail(err, r.error());
    if (r->kind == Received::Kind::closed) {
      if (inv.follow) return fail(err, "hacored closed the event stream (" + client.path() + ")");
      return 0;
    }
    out << (inv.json ? r->value.dump() : event_line(r->value)) << std::endl;  // flushed: often piped
  }
}

// standby, unstandby, maintenance, cleanup, restart: one request, one confirmation.
std::string confirmation(const Invocation& inv) {
  switch (inv.command) {
    case Command::standby: return "standby requested for " + inv.node + ": its groups move to the other node";
    case Command::unstandby: return "unstandby requested for " + inv.node + ": it may run groups again";
    case Command::maintenance:
      return inv.on ? "maintenance mode on: the cluster starts, stops and monitors nothing until `hactl maintenance off`"
                    : "maintenance mode off: the cluster manages resources again";
    case Command::resource_cleanup:
      return "cleanup requested for " + (inv.resource.empty() ? std::string("all resources") : inv.resource) +
             ": failures forgotten, state re-probed";
    case Command::resource_restart: return "restart requested for " + inv.resource;
    case Command::fence:
      return inv.confirm_off ? "recorded: " + inv.node + " is off (confirmed by you); its resources may start elsewhere"
                             : "fence of " + inv.node + " requested (hactl events shows fence_begin / fence_end)";
    case Command::unfence_peer: return "outdate of " + inv.volume + " cleared";
    default: return "done";
  }
}

// drbd-lite's fence-peer: asks until hacored has an answer (it outdates or waits for a
// fence meanwhile); the exit code is DRBD's (4, 5, 7) or 1 (not done).
int run_fence_peer(const Invocation& inv, ControlClient& client, std::ostream& out, std::ostream& err) {
  auto deadline = std::chrono::steady_clock::now() + inv.timeout;
  std::string last;
  for (;;) {
    auto reply = request(client, daemon_request(inv));
    if (!reply) return fail(err, reply.error());
    int code = reply->value("code", 1);
    last = reply->value("detail", std::string());
    if (code != 0) {
      (code == 4 || code == 5 || code == 7 ? out : err) << "hactl: fence-peer " << inv.volume << ": " << last << "\n";
      return code;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return fail(err, "fence-peer " + inv.volume + ": no answer within the timeout (" + last + ")");
}

// hacored cannot be reached: whether it and corosync run here (systemd), and how to start
// them. Nothing when systemd cannot tell (no systemd, as in the lab's namespaces).
void say_what_is_not_running(std::ostream& err) {
  auto states = unit_states({"corosync", "hacored"});
  if (!states) return;
  if (std::string hint = not_running_hint(*states); !hint.empty()) err << hint << "\n";
}

}  // namespace

int run_daemon_command(const Invocation& inv, std::ostream& out, std::ostream& err) {
  auto ep = resolve_control_endpoint(inv.config_file, inv.socket);
  if (!ep) return fail(err, ep.error());
  if (inv.command == Command::switchover) return run_switchover(inv, *ep, out, err);
  auto client = ControlClient::connect(*ep);
  if (!client) {
    fail(err, client.error());
    if (inv.command == Command::status) say_what_is_not_running(err);
    return 1;
  }
  if (inv.command == Command::status) return run_status(inv, *client, out, err);
  if (inv.command == Command::events) return run_events(inv, *client, out, err);
  if (inv.command == Command::fence_peer) return run_fence_peer(inv, *client, out, err);
  auto reply = request(*client, daemon_request(inv));
  if (!reply) return fail(err, reply.error());
  out << confirmation(inv) << "\n";
  return 0;
}

}  // namespace hamail::hactl
