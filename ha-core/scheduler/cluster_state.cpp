#include "hamail/hacore/scheduler/cluster_state.h"

namespace hamail::scheduler {

ResourceStatus ClusterState::resource_status(const std::string& resource, const std::string& node) const {
  auto it = resources.find({resource, node});
  return it == resources.end() ? ResourceStatus::stopped : it->second;
}

const NodeState* ClusterState::node(const std::string& name) const {
  auto it = nodes.find(name);
  return it == nodes.end() ? nullptr : &it->second;
}

std::string to_string(NodeStatus s) {
  switch (s) {
    case NodeStatus::online: return "online";
    case NodeStatus::offline: return "offline";
    case NodeStatus::unclean: return "unclean";
  }
  return "?";
}

std::string to_string(ResourceStatus s) {
  switch (s) {
    case ResourceStatus::stopped: return "stopped";
    case ResourceStatus::started: return "started";
    case ResourceStatus::promoted: return "promoted";
    case ResourceStatus::failed: return "failed";
    case ResourceStatus::stop_failed: return "stop_failed";
    case ResourceStatus::unknown: return "unknown";
  }
  return "?";
}

bool is_active(ResourceStatus s) {
  return s == ResourceStatus::started || s == ResourceStatus::promoted || s == ResourceStatus::failed ||
         s == ResourceStatus::stop_failed;
}

}  // namespace hamail::scheduler
