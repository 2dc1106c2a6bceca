#include "hamail/hacore/cluster/control_request.h"

#include "hamail/hacore/cluster/protocol.h"
#include "hamail/base/utf8_text.h"
#include "hamail/base/json_fields.h"

namespace hamail::cluster {
namespace {

using nlohmann::json;
constexpr std::size_t kName = protocol::kMaxNameBytes;

ControlRequest read(const std::string& cmd, JsonFields& f, bool& known) {
  known = true;
  if (cmd == "status") return StatusQuery{};
  if (cmd == "events")
    return EventsQuery{f.optional_integer("since_ms", 0, kMaxSinceMs).value_or(0),
                       f.optional_boolean("follow").value_or(false)};
  if (cmd == "switchover")
    return OperatorCommand{SwitchoverCommand{f.optional_text("group", kName).value_or(""),
                                             f.optional_text("to", kName).value_or(""),
                                             f.optional_boolean("clear").value_or(false)}};
  if (cmd == "standby" || cmd == "unstandby")
    return OperatorCommand{StandbyCommand{f.optional_text("node", kName).value_or(""), cmd == "standby"}};
  if (cmd == "maintenance") return OperatorCommand{MaintenanceCommand{f.boolean("on")}};
  if (cmd == "cleanup") return OperatorCommand{CleanupCommand{f.optional_text("resource", kName).value_or("")}};
  if (cmd == "restart") {
    std::string res = f.text("resource", kName);
    if (f.ok() && res.empty()) f.fail("resource", "empty (restart needs a resource name)");
    return OperatorCommand{RestartCommand{res}};
  }
  if (cmd == "fence") {
    std::string node = f.text("node", kName);
    if (f.ok() && node.empty()) f.fail("node", "empty (fence needs a node name)");
    return OperatorCommand{FenceCommand{node, f.optional_boolean("confirm_off").value_or(false)}};
  }
  if (cmd == "fence_peer" || cmd == "unfence_peer") {
    std::string volume = f.text("volume", kName);
    if (f.ok() && volume.empty()) f.fail("volume", "empty (" + cmd + " needs a volume name)");
    if (cmd == "unfence_peer") return OperatorCommand{UnfencePeerCommand{volume}};
    return FencePeerQuery{volume, f.optional_text("peer", kName).value_or(""),
                          f.optional_boolean("query").value_or(false)};
  }
  known = false;
  return StatusQuery{};
}

struct Names {
  std::string operator()(const SwitchoverCommand&) { return "switchover"; }
  std::string operator()(const StandbyCommand& c) { return c.on ? "standby" : "unstandby"; }
  std::string operator()(const MaintenanceCommand&) { return "maintenance"; }
  std::string operator()(const CleanupCommand&) { return "cleanup"; }
  std::string operator()(const RestartCommand&) { return "restart"; }
  std::string operator()(const FenceCommand& c) { return c.confirm_off ? "fence --confirm-off" : "fence"; }
  std::string operator()(const UnfencePeerCommand&) { return "unfence_peer"; }
};

}  // namespace

Result<ControlRequest> decode_control_request(const json& request) {
  if (!request.is_object()) return Error{"bad request: expected a JSON object, found " + json_kind(request)};
  JsonFields f(request);
  std::string cmd = f.text("cmd", 64);
  if (!f.ok()) return Error{"bad request: " + f.finish().message()};
  bool known = false;
  ControlRequest r = read(cmd, f, known);
  if (!known) return Error{"unknown command '" + clip_utf8(cmd, 64) + "'"};
  if (auto st = f.finish(); !st) return Error{"bad " + cmd + " request: " + st.message()};
  return r;
}

std::string command_name(const OperatorCommand& command) { return std::visit(Names{}, command); }

}  // namespace hamail::cluster
