#include "hamail/hacore/cli/agent_check.h"

namespace hamail::hactl {
namespace {

// The files where `agent` (ocf:PROVIDER:TYPE, lsb:NAME, systemd:UNIT) may be installed.
std::vector<std::string> candidates(const std::string& agent, const AgentPaths& p) {
  std::vector<std::string> out;
  if (agent.rfind("ocf:", 0) == 0) {
    auto second = agent.find(':', 4);
    if (second != std::string::npos)
      out.push_back(p.ocf_root + "/resource.d/" + agent.substr(4, second - 4) + "/" + agent.substr(second + 1));
  } else if (agent.rfind("lsb:", 0) == 0) {
    out.push_back(p.init_dir + "/" + agent.substr(4));
  } else if (agent.rfind("systemd:", 0) == 0) {
    std::string unit = agent.substr(8);
    if (unit.find('.') == std::string::npos) unit += ".service";
    for (const auto& d : p.systemd_dirs) out.push_back(d + "/" + unit);
  }
  return out;
}

std::string either(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& c : paths) out += (out.empty() ? "" : ", ") + c;
  return out;
}

}  // namespace

std::vector<std::string> missing_agents(const config::ClusterConfig& cfg, const AgentPaths& paths,
                                        const std::function<bool(const std::string&)>& exists) {
  std::vector<std::string> out;
  auto any = [&](const std::vector<std::string>& c) {
    for (const auto& path : c)
      if (exists(path)) return true;
    return false;
  };
  for (const auto& g : cfg.groups)
    for (const auto& r : g.resources) {
      auto c = candidates(r.agent, paths);
      if (!c.empty() && !any(c))
        out.push_back("groups." + g.name + ".resources." + r.name + ": agent " + r.agent +
                      " is not installed on this node (no " + either(c) + ")");
    }
  for (const auto& d : cfg.stonith.devices) {
    std::vector<std::string> c;
    for (const auto& dir : paths.fence_path) c.push_back(dir + "/" + d.agent);
    if (!any(c))
      out.push_back("stonith.devices." + d.name + ": fence agent " + d.agent + " is not installed on this node (no " +
                    either(c) + "; Debian's fence-agents package?)");
  }
  return out;
}

}  // namespace hamail::hactl
