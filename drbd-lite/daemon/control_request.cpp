#include "hamail/drbdlite/daemon/control_request.h"

#include <array>
#include <utility>

#include "hamail/base/json_fields.h"
#include "hamail/base/utf8_text.h"

namespace hamail::drbdlite {
namespace {

using Command = ControlRequest::Command;

constexpr std::array<std::pair<Command, const char*>, 13> kCommands = {{
    {Command::status, "status"}, {Command::events, "events"}, {Command::create_md, "create-md"},
    {Command::up, "up"}, {Command::down, "down"}, {Command::primary, "primary"},
    {Command::secondary, "secondary"}, {Command::connect, "connect"}, {Command::disconnect, "disconnect"},
    {Command::invalidate, "invalidate"}, {Command::verify, "verify"}, {Command::resume_io, "resume-io"},
    {Command::outdate, "outdate"},
}};

constexpr std::size_t kMaxVolumeName = 63;  // cluster.yaml's plain-name rule

}  // namespace

const char* to_string(Command c) {
  for (const auto& [cmd, name] : kCommands)
    if (cmd == c) return name;
  return "?";
}

Result<ControlRequest> decode_control_request(const nlohmann::json& request) {
  if (!request.is_object()) return Error{"bad request: expected a JSON object, found " + json_kind(request)};
  JsonFields f(request);
  std::string cmd = f.text("cmd", 32);
  if (!f.ok()) return Error{"bad request: " + f.finish().message()};
  ControlRequest r;
  bool known = false;
  for (const auto& [c, name] : kCommands)
    if (cmd == name) {
      r.command = c;
      known = true;
    }
  if (!known) return Error{"unknown command '" + clip_utf8(cmd, 32) + "'"};
  if (r.command == Command::status) {
    r.volume = f.optional_text("volume", kMaxVolumeName).value_or("");
  } else if (r.command != Command::events) {
    r.volume = f.text("volume", kMaxVolumeName);
  }
  if (r.command == Command::primary || r.command == Command::create_md)
    r.force = f.optional_boolean("force").value_or(false);
  if (r.command == Command::connect) r.discard_my_data = f.optional_boolean("discard_my_data").value_or(false);
  if (Status st = f.finish(); !st) return Error{"bad " + cmd + " request: " + st.message()};
  return r;
}

}  // namespace hamail::drbdlite
