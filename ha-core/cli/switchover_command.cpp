// `hactl switchover [GROUP] [--to NODE] [--wait] [--timeout S] [--clear]`. With --wait
// the event stream is opened (from a second ago) before the request is sent, so no
// event of this switchover can be missed, then followed until it ends or times out.
#include <iostream>

#include "hamail/hacore/cli/daemon_commands.h"
#include "hamail/hacore/cli/switchover_watch.h"

namespace hamail::hactl {

using nlohmann::json;

namespace {

int fail(std::ostream& err, const std::string& message) {
  err << "hactl: " << message << "\n";
  return 1;
}

std::string accepted_text(const json& reply) {
  std::string line = "switchover of " + reply.value("group", std::string("?"));
  if (std::string to = reply.value("to", std::string()); !to.empty()) line += " to " + to;
  line += " accepted";
  if (reply.contains("id")) line += " (id " + reply["id"].dump() + ")";
  return line + ": follow it with `hactl events --follow`, or pass --wait";
}

int wait_for_switchover(const Invocation& inv, const ControlEndpoint& ep, std::ostream& out, std::ostream& err) {
  auto events = ControlClient::connect(ep);
  if (!events) return fail(err, events.error());
  json follow = {{"cmd", "events"}, {"since_ms", now_epoch_ms() - 1000}, {"follow", true}};
  if (auto r = request(*events, follow); !r) return fail(err, "cannot follow events: " + r.error());

  auto control = ControlClient::connect(ep);
  if (!control) return fail(err, control.error());
  std::int64_t sent_ms = now_epoch_ms();
  auto reply = request(*control, daemon_request(inv));
  if (!reply) return fail(err, reply.error());

  SwitchoverWatch watch(*reply, sent_ms);
  out << watch.accepted_line(inv.timeout.count()) << std::endl;
  const auto deadline = std::chrono::steady_clock::now() + inv.timeout;
  for (;;) {
    auto r = events->receive(deadline);
    if (!r) return fail(err, r.error() + " (the switchover may still be running: hactl status)");
    if (r->kind == Received::Kind::timed_out) return fail(err, watch.timeout_message(inv.timeout.count()));
    if (r->kind == Received::Kind::closed) return fail(err, watch.closed_message());
    auto step = watch.on_event(r->value);
    for (const auto& line : step.out) out << line << std::endl;
    if (step.exit) {
      if (!step.error.empty()) err << "hactl: " << step.error << "\n";
      return *step.exit;
    }
  }
}

}  // namespace

int run_switchover(const Invocation& inv, const ControlEndpoint& ep, std::ostream& out, std::ostream& err) {
  if (inv.wait) return wait_for_switchover(inv, ep, out, err);
  auto client = ControlClient::connect(ep);
  if (!client) return fail(err, client.error());
  auto reply = request(*client, daemon_request(inv));
  if (!reply) return fail(err, reply.error());
  if (inv.clear) {
    std::string group = reply->value("group", inv.group.empty() ? std::string("the group") : inv.group);
    out << "cleared the switchover placement of " << group << ": normal placement rules apply again\n";
  } else {
    out << accepted_text(*reply) << "\n";
  }
  return 0;
}

}  // namespace hamail::hactl
