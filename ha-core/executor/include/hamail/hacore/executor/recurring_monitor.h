// One recurring monitor of one resource: the first run at once, the next one
// `interval` after each result (never two queued), every result reported along with
// whether it differs from the previous one, which is what the daemon acts on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "hamail/hacore/executor/action_result.h"
#include "hamail/hacore/executor/resource_runner.h"
#include "hamail/base/log.h"
#include "hamail/uv/timer.h"

namespace hamail::executor {

struct MonitorEvent {
  ActionResult result;
  bool changed = true;                   // first result, or rc / timed_out differ from the last
  std::optional<OcfRc> previous_rc;      // empty for the first result
  bool previous_timed_out = false;
};

class RecurringMonitor {
 public:
  using OnMonitor = std::function<void(const MonitorEvent&)>;

  // `runner` and `log` must outlive the monitor; `tag` is unique among its runner's
  // submitters. Nothing runs until start().
  RecurringMonitor(uv::EventLoop& loop, const Logger& log, ResourceRunner& runner, std::uint64_t interval_ms,
                   std::uint64_t timeout_ms, std::uint64_t tag, OnMonitor on_monitor);
  // Withdraws a queued run; a run in progress finishes and is logged, not reported.
  ~RecurringMonitor();
  RecurringMonitor(const RecurringMonitor&) = delete;
  RecurringMonitor& operator=(const RecurringMonitor&) = delete;

  void start();
  std::uint64_t interval_ms() const { return interval_ms_; }
  std::uint64_t runs() const { return runs_; }

 private:
  void fire();
  void on_result(ActionResult result);

  const Logger& log_;
  ResourceRunner& runner_;
  std::uint64_t interval_ms_;
  std::uint64_t timeout_ms_;
  std::uint64_t tag_;
  OnMonitor on_monitor_;
  uv::Timer timer_;
  bool pending_ = false;  // queued or running
  std::uint64_t runs_ = 0;
  std::optional<OcfRc> last_rc_;
  bool last_timed_out_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the in-flight run's callback
};

}  // namespace hamail::executor
