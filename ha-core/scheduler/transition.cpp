#include "hamail/hacore/scheduler/transition.h"

namespace hamail::scheduler {

std::string to_string(ActionKind k) {
  switch (k) {
    case ActionKind::fence: return "fence";
    case ActionKind::demote: return "demote";
    case ActionKind::stop: return "stop";
    case ActionKind::start: return "start";
    case ActionKind::promote: return "promote";
  }
  return "?";
}

std::string to_string(GroupMode m) {
  switch (m) {
    case GroupMode::managed: return "managed";
    case GroupMode::blocked: return "blocked";
    case GroupMode::unmanaged: return "unmanaged";
    case GroupMode::frozen: return "frozen";
  }
  return "?";
}

}  // namespace hamail::scheduler
