// A request on drbdlited's control socket (from `drbdlite`), decoded into a typed value and
// checked before anything acts on it: a missing or wrongly typed field, an unknown command
// or field, an option that does not fit the command is an error answer, never an exception.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "hamail/base/result.h"

namespace hamail::drbdlite {

struct ControlRequest {
  enum class Command {
    status, events, create_md, up, down, primary, secondary, connect, disconnect, invalidate, verify, resume_io, outdate
  };
  Command command = Command::status;
  std::string volume;        // empty for events, optional for status
  bool force = false;        // primary, create-md
  bool discard_my_data = false;  // connect
};

Result<ControlRequest> decode_control_request(const nlohmann::json& request);

// The command as the CLI spells it ("create-md").
const char* to_string(ControlRequest::Command c);

}  // namespace hamail::drbdlite
