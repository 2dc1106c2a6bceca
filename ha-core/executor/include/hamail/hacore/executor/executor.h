// The agent executor of hacored: runs OCF agents, LSB init scripts and systemd units
// for the configured resources, one action at a time per resource and different
// resources in parallel, plus recurring monitors; every result is logged and reported.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/executor/action_result.h"
#include "hamail/hacore/executor/executor_options.h"
#include "hamail/hacore/executor/recurring_monitor.h"
#include "hamail/hacore/executor/resource_runner.h"
#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"

namespace hamail::executor {

class Executor {
 public:
  using OnResult = std::function<void(const ActionResult&)>;
  using OnMonitor = RecurringMonitor::OnMonitor;

  // `loop` and `log` must outlive the executor.
  Executor(uv::EventLoop& loop, const Logger& log, ExecutorOptions options);
  // Kills running agents (their process groups); no callback runs afterwards.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Adds a resource, or replaces an existing one's parameters and agent for the
  // actions requested from now on. Fails on a malformed agent or parameter name.
  Status add_resource(const config::ResourceConfig& resource);
  // Fails while the resource has actions queued or running, or recurring monitors.
  Status remove_resource(const std::string& name);
  bool has_resource(const std::string& name) const { return resources_.count(name) != 0; }

  // Runs `action` once (a monitor is then a probe) after the resource's earlier
  // actions; `on_result` gets the result on a later loop iteration, also when the
  // agent is missing. The timeout defaults to the resource's op of that name. Fails at
  // once for an unknown resource, an action the agent class lacks, or a full queue.
  Status execute(const std::string& resource, Action action, OnResult on_result,
                 std::optional<std::uint64_t> timeout_ms = std::nullopt);

  // Starts a recurring monitor: a first run now, then `interval_ms` after each result.
  // Each result goes to `on_monitor` with `changed` set when it differs from the last.
  // Cancel it before stopping or demoting the resource, as Pacemaker's controller does.
  Status start_monitor(const std::string& resource, std::uint64_t interval_ms, OnMonitor on_monitor,
                       std::optional<std::uint64_t> timeout_ms = std::nullopt);
  // Stops it; a queued run is dropped and a run in progress is no longer reported.
  Status cancel_monitor(const std::string& resource, std::uint64_t interval_ms);
  bool has_monitor(const std::string& resource, std::uint64_t interval_ms) const;

  // Whether an action of the resource is running now, and how many wait behind it.
  bool running(const std::string& resource) const;
  std::size_t queued(const std::string& resource) const;

  const ExecutorOptions& options() const { return options_; }

 private:
  struct Entry {
    std::unique_ptr<ResourceRunner> runner;
    std::map<std::uint64_t, std::unique_ptr<RecurringMonitor>> monitors;  // by interval; destroyed first
  };
  Entry* find(const std::string& name);
  const Entry* find(const std::string& name) const;

  uv::EventLoop& loop_;
  const Logger& log_;
  ExecutorOptions options_;
  std::map<std::string, Entry> resources_;
  std::uint64_t next_tag_ = 1;
};

}  // namespace hamail::executor
