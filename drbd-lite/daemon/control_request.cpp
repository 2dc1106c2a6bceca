#include "hamail/drbdlite/daemon/control_request.h"

#include <array>
#include <utility>

#include "hamail/base/json_fields.h"

namespace hamail::drbdlite {
namespace {

using Command = ControlRequest::Command;

constexpr std::array<std::pair<Command, const char*>, 11> kCommands = {{
    {Command::status, "status"}, {Command::events, "events"}, {Command::create_md, "create-md"},
    {Command::up, "up"}, {Command::down, "down"}, {Command::primary, "primary"},
    {Command::secondary, "secondary"}, {Command::connect, "connect"}, {Command::disconnect, "disconnect"},
    {Command::invalidate, "invalidate"}, {Command::verify, "verify"},
}};

constexpr std::size_t kMaxVolumeName = 63;  // cluster.yaml's plain-name rule

}  // namespace

const char* to_string(Command c) {
  for (const auto& [cmd, name] : kCommands)
    if (cmd == c) return name;
  return "?";
}

Result<ControlRequest> decode_control_request(const nlohmann::json& request) {
  JsonFields head(request, "request");
  auto cmd = head.string("cmd", Field::required, 32);
  if (!head.ok()) return Error{head.status().message()};
  JsonFields f(request, "request '" + *cmd + "'");
  (void)f.string("cmd");
  ControlRequest r;
  bool known = false;
  for (const auto& [c, name] : kCommands)
    if (*cmd == name) {
      r.command = c;
      known = true;
    }
  if (!known) return Error{"unknown command '" + *cmd + "'"};
  if (r.command != Command::events) {
    Field need = r.command == Command::status ? Field::optional : Field::required;
    r.volume = f.string("volume", need, kMaxVolumeName).value_or("");
  }
  if (r.command == Command::primary || r.command == Command::create_md) r.force = f.boolean("force").value_or(false);
  if (r.command == Command::connect) r.discard_my_data = f.boolean("discard_my_data").value_or(false);
  if (Status st = f.finish(); !st) return Error{st.message()};
  return r;
}

}  // namespace hamail::drbdlite
