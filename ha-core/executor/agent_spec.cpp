#include "hamail/hacore/executor/agent_spec.h"

#include <vector>

namespace hamail::executor {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

// A single path component: letters, digits and ._-@ (systemd instances), not "." or "..".
bool safe_component(std::string_view s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '@';
    if (!ok) return false;
  }
  return true;
}

Error bad(std::string_view agent, std::string_view why) {
  return Error{"invalid agent '" + std::string(agent) + "': " + std::string(why)};
}

}  // namespace

std::string_view to_string(AgentClass c) {
  switch (c) {
    case AgentClass::ocf: return "ocf";
    case AgentClass::lsb: return "lsb";
    case AgentClass::systemd: return "systemd";
  }
  return "unknown";
}

std::string AgentSpec::text() const {
  std::string s(to_string(agent_class));
  if (agent_class == AgentClass::ocf) s += ":" + provider;
  return s + ":" + type;
}

Result<AgentSpec> parse_agent_spec(std::string_view agent) {
  std::vector<std::string_view> parts = split(agent, ':');
  AgentSpec spec;
  if (parts[0] == "ocf") {
    if (parts.size() != 3) return bad(agent, "expected ocf:PROVIDER:TYPE");
    spec.agent_class = AgentClass::ocf;
    spec.provider = parts[1];
    spec.type = parts[2];
    if (!safe_component(spec.provider)) return bad(agent, "provider must be a plain name");
  } else if (parts[0] == "lsb" || parts[0] == "systemd") {
    if (parts.size() != 2) return bad(agent, "expected " + std::string(parts[0]) + ":NAME");
    spec.agent_class = parts[0] == "lsb" ? AgentClass::lsb : AgentClass::systemd;
    spec.type = parts[1];
  } else {
    return bad(agent, "expected ocf:PROVIDER:TYPE, lsb:NAME or systemd:UNIT");
  }
  if (!safe_component(spec.type)) return bad(agent, "type must be a plain name");
  return spec;
}

}  // namespace hamail::executor
