#include "transition_invariants.h"

#include <map>
#include <set>

namespace hamail::scheduler {

std::vector<std::string> invariant_violations(const config::ClusterConfig& cfg, const ClusterState& state,
                                              const Transition& t) {
  std::vector<std::string> out;
  auto index_of = [&](ActionKind kind, const std::string& node, const std::string& res) -> int {
    for (std::size_t i = 0; i < t.actions.size(); ++i) {
      const Action& a = t.actions[i];
      if (a.kind == kind && a.node == node && a.resource == res) return static_cast<int>(i);
    }
    return -1;
  };
  for (const auto& g : cfg.groups) {
    std::set<std::string> start_nodes;
    int first_start = -1;
    std::string start_node;
    for (std::size_t i = 0; i < t.actions.size(); ++i) {
      const Action& a = t.actions[i];
      bool member = false;
      for (const auto& r : g.resources) member = member || r.name == a.resource;
      if (!member) continue;
      if (a.kind == ActionKind::start || a.kind == ActionKind::promote) {
        start_nodes.insert(a.node);
        if (first_start < 0) first_start = static_cast<int>(i), start_node = a.node;
      }
    }
    if (start_nodes.size() > 1) out.push_back("group " + g.name + " starts on more than one node");
    if (first_start < 0) continue;
    for (const auto& n : cfg.nodes) {
      if (n.name == start_node) continue;
      const NodeState& ns = *state.node(n.name);
      for (const auto& r : g.resources) {
        ResourceStatus s = state.resource_status(r.name, n.name);
        if (!is_active(s) || ns.status == NodeStatus::offline) continue;
        int stop = index_of(ActionKind::stop, n.name, r.name);
        int fence = index_of(ActionKind::fence, n.name, "");
        bool loud = t.actions[first_start].reason.find("WARNING") != std::string::npos;
        bool safe = (stop >= 0 && stop < first_start) || (fence >= 0 && fence < first_start) ||
                    (ns.status == NodeStatus::unclean && !cfg.stonith.enabled && loud);
        if (!safe)
          out.push_back("group " + g.name + " starts on " + start_node + " while " + r.name + " may still run on " +
                        n.name + " (no earlier stop or fence)");
      }
    }
  }
  return out;
}

}  // namespace hamail::scheduler
