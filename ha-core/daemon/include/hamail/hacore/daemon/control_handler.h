// ControlHandler: hacored's answers to hactl. Each request is decoded into a typed
// ControlRequest first; a bad one is answered {"ok":false,"error":"..."} naming the field,
// never an exception. status: the core's view. events: the history since a time, then
// (follow) live events. Operator commands: checked by the core, multicast to the group;
// the reply carries the switchover id, group and target hactl follows. fence_peer (drbd-lite's
// handler through hactl) is answered at once with a DRBD code or "pending" (hactl asks again). Replies go through
// ControlReplies (the control server's session in hacored, a recorder in tests).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/hacore/daemon/node_shell.h"

namespace hamail::hacore {

class ControlReplies {
 public:
  virtual ~ControlReplies() = default;
  virtual bool send(const nlohmann::json& line) = 0;  // false: the client is gone
  virtual void subscribe() = 0;                        // later events go to it too
  virtual void end() = 0;                              // close once sent
  virtual std::string who() const { return "hactl"; }  // the client, for what is recorded (fences)
};

class ControlHandler {
 public:
  explicit ControlHandler(NodeShell& shell) : shell_(shell) {}
  // The reply, or nothing when it answered through `replies` (events).
  std::optional<nlohmann::json> handle(const nlohmann::json& request, ControlReplies& replies);

 private:
  nlohmann::json fence_peer(const cluster::FencePeerQuery& q, const std::string& who);
  NodeShell& shell_;
};

}  // namespace hamail::hacore
