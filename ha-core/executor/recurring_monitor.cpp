#include "hamail/hacore/executor/recurring_monitor.h"

#include "hamail/hacore/executor/action_log.h"

namespace hamail::executor {

RecurringMonitor::RecurringMonitor(uv::EventLoop& loop, const Logger& log, ResourceRunner& runner,
                                   std::uint64_t interval_ms, std::uint64_t timeout_ms, std::uint64_t tag,
                                   OnMonitor on_monitor)
    : log_(log),
      runner_(runner),
      interval_ms_(interval_ms),
      timeout_ms_(timeout_ms),
      tag_(tag),
      on_monitor_(std::move(on_monitor)),
      timer_(loop) {}

RecurringMonitor::~RecurringMonitor() { runner_.remove_queued(tag_); }

void RecurringMonitor::start() { timer_.start(0, [this] { fire(); }); }

void RecurringMonitor::fire() {
  if (pending_) return;
  std::weak_ptr<bool> alive = alive_;
  const Logger* log = &log_;
  Status st = runner_.enqueue(ActionRequest{Action::monitor, interval_ms_, timeout_ms_, tag_},
                              [this, alive, log](ActionResult r) {
                                if (alive.expired()) return log_action_result(*log, r);  // cancelled meanwhile
                                on_result(std::move(r));
                              });
  if (!st) {
    log_.warning("monitor_not_queued")
        .kv("resource", runner_.resource().name)
        .kv("interval_ms", static_cast<unsigned long>(interval_ms_))
        .kv("error", st.message());
    timer_.start(interval_ms_, [this] { fire(); });
    return;
  }
  pending_ = true;
}

void RecurringMonitor::on_result(ActionResult result) {
  pending_ = false;
  ++runs_;
  MonitorEvent ev;
  ev.previous_rc = last_rc_;
  ev.previous_timed_out = last_timed_out_;
  ev.changed = !last_rc_ || *last_rc_ != result.rc || last_timed_out_ != result.timed_out;
  last_rc_ = result.rc;
  last_timed_out_ = result.timed_out;
  ev.result = std::move(result);
  log_action_result(log_, ev.result, ev.changed);
  timer_.start(interval_ms_, [this] { fire(); });
  OnMonitor cb = on_monitor_;  // the callback may cancel (destroy) this monitor
  cb(ev);
}

}  // namespace hamail::executor
