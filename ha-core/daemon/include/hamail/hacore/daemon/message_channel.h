// MessageChannel: the cluster's ordered group channel as the shell sees it (Corosync CPG
// in hacored: CpgChannel). send() multicasts bytes to every member, this node included;
// the channel delivers every message and every membership change to every member in one
// total order, by calling NodeShell::on_message / on_membership. send() fails when the
// channel's bounded queue is full or the group is gone.
#pragma once

#include <string>

#include "hamail/base/result.h"

namespace hamail::hacore {

class MessageChannel {
 public:
  virtual ~MessageChannel() = default;
  virtual Status send(std::string bytes) = 0;
};

}  // namespace hamail::hacore
