// ExecutorAgents: the shell's AgentRunner over hamail::executor::Executor, which runs the
// OCF / LSB / systemd agents on the event loop (results arrive on later iterations).
#pragma once

#include "hamail/hacore/daemon/agent_runner.h"
#include "hamail/hacore/executor/executor.h"

namespace hamail::hacore {

class ExecutorAgents : public AgentRunner {
 public:
  explicit ExecutorAgents(executor::Executor& executor) : executor_(executor) {}
  Status run(const std::string& resource, Op op, Done done) override;
  Status start_monitor(const std::string& resource, std::uint64_t interval_ms, Done on_result) override;
  void cancel_monitor(const std::string& resource, std::uint64_t interval_ms) override;

 private:
  executor::Executor& executor_;
};

}  // namespace hamail::hacore
