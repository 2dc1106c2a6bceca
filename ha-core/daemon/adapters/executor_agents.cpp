#include "hamail/hacore/daemon/adapters/executor_agents.h"

namespace hamail::hacore {
namespace {

executor::Action action_of(AgentRunner::Op op) {
  switch (op) {
    case AgentRunner::Op::start: return executor::Action::start;
    case AgentRunner::Op::stop: return executor::Action::stop;
    case AgentRunner::Op::promote: return executor::Action::promote;
    case AgentRunner::Op::demote: return executor::Action::demote;
    case AgentRunner::Op::probe: return executor::Action::monitor;
  }
  return executor::Action::monitor;
}

cluster::AgentOutcome outcome_of(const executor::ActionResult& r, bool always_describe) {
  return cluster::AgentOutcome{r.ok(), static_cast<int>(r.rc), r.ok() && !always_describe ? "" : r.describe(),
                               r.duration_ms};
}

}  // namespace

Status ExecutorAgents::run(const std::string& resource, Op op, Done done) {
  bool probe = op == Op::probe;
  return executor_.execute(resource, action_of(op), [done = std::move(done), probe](const executor::ActionResult& r) {
    done(outcome_of(r, probe));
  });
}

Status ExecutorAgents::start_monitor(const std::string& resource, std::uint64_t interval_ms, Done on_result) {
  return executor_.start_monitor(resource, interval_ms, [on_result = std::move(on_result)](const executor::MonitorEvent& ev) {
    on_result(outcome_of(ev.result, true));
  });
}

void ExecutorAgents::cancel_monitor(const std::string& resource, std::uint64_t interval_ms) {
  (void)executor_.cancel_monitor(resource, interval_ms);  // none running: nothing to cancel
}

}  // namespace hamail::hacore
