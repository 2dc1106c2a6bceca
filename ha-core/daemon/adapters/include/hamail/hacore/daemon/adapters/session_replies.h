// SessionReplies: the ControlHandler's ControlReplies over the control server's session
// of one hactl connection.
#pragma once

#include "hamail/control/control_server.h"
#include "hamail/hacore/daemon/control_handler.h"

namespace hamail::hacore {

class SessionReplies : public ControlReplies {
 public:
  explicit SessionReplies(ControlSession& session) : session_(session) {}
  bool send(const nlohmann::json& line) override { return session_.send(line); }
  void subscribe() override { session_.subscribe(); }
  void end() override { session_.end(); }
  std::string who() const override { return session_.peer().describe(); }

 private:
  ControlSession& session_;
};

}  // namespace hamail::hacore
