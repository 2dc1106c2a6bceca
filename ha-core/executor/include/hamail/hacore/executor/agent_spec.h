// Which program implements a resource: "ocf:PROVIDER:TYPE" (an OCF resource agent),
// "lsb:NAME" (an init script) or "systemd:UNIT". Parsed once when a resource is
// added, so a malformed or path-escaping name is an error before anything runs.
#pragma once

#include <string>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::executor {

enum class AgentClass { ocf, lsb, systemd };

struct AgentSpec {
  AgentClass agent_class = AgentClass::ocf;
  std::string provider;  // ocf only
  std::string type;      // OCF type, init script name, or systemd unit

  std::string text() const;  // back to "ocf:heartbeat:IPaddr2"
};

std::string_view to_string(AgentClass c);
Result<AgentSpec> parse_agent_spec(std::string_view agent);

}  // namespace hamail::executor
