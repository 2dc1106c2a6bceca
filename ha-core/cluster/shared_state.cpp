#include "hamail/hacore/cluster/shared_state.h"

namespace hamail::cluster {

using scheduler::ActionKind;
using scheduler::ResourceStatus;

std::optional<ResourceStatus> resource_status_from(const std::string& s) {
  for (ResourceStatus r : {ResourceStatus::stopped, ResourceStatus::started, ResourceStatus::promoted,
                           ResourceStatus::failed, ResourceStatus::stop_failed, ResourceStatus::unknown})
    if (scheduler::to_string(r) == s) return r;
  return std::nullopt;
}

std::optional<ActionKind> action_kind_from(const std::string& s) {
  for (ActionKind k : {ActionKind::fence, ActionKind::demote, ActionKind::stop, ActionKind::start, ActionKind::promote})
    if (scheduler::to_string(k) == s) return k;
  return std::nullopt;
}

void SharedState::add_event(json e) {
  events.push_back(std::move(e));
  while (events.size() > kMaxEvents) events.pop_front();
}

void SharedState::add_failed_action(json f) {
  failed_actions.push_back(std::move(f));
  while (failed_actions.size() > kMaxFailedActions) failed_actions.pop_front();
}

void SharedState::add_fencing(json f) {
  fencing_history.push_back(std::move(f));
  while (fencing_history.size() > kMaxFencingHistory) fencing_history.pop_front();
}

}  // namespace hamail::cluster
