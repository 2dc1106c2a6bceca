#include "hamail/hacore/executor/executor.h"

#include "hamail/hacore/executor/action_log.h"
#include "hamail/hacore/executor/agent_command.h"
#include "hamail/hacore/executor/ocf_environment.h"

namespace hamail::executor {
namespace {

Error unknown_resource(const std::string& name) { return Error{"unknown resource '" + name + "'"}; }

Status check_resource(const config::ResourceConfig& resource, Result<AgentSpec>& spec) {
  if (resource.name.empty()) return Error{"resource without a name"};
  if (!spec) return Error{"resource '" + resource.name + "': " + spec.error()};
  return check_param_names(resource);
}

}  // namespace

Executor::Executor(uv::EventLoop& loop, const Logger& log, ExecutorOptions options)
    : loop_(loop), log_(log), options_(std::move(options)) {}

Executor::~Executor() {
  for (auto& [name, entry] : resources_) entry.monitors.clear();  // before their runners
}

Executor::Entry* Executor::find(const std::string& name) {
  auto it = resources_.find(name);
  return it == resources_.end() ? nullptr : &it->second;
}

const Executor::Entry* Executor::find(const std::string& name) const {
  auto it = resources_.find(name);
  return it == resources_.end() ? nullptr : &it->second;
}

Status Executor::add_resource(const config::ResourceConfig& resource) {
  Result<AgentSpec> spec = parse_agent_spec(resource.agent);
  if (Status st = check_resource(resource, spec); !st) return st;
  if (Entry* e = find(resource.name)) {
    e->runner->update(resource, *spec);
    return Status::ok();
  }
  Entry entry;
  entry.runner = std::make_unique<ResourceRunner>(loop_, options_, resource, *spec);
  resources_.emplace(resource.name, std::move(entry));
  return Status::ok();
}

Status Executor::remove_resource(const std::string& name) {
  Entry* e = find(name);
  if (!e) return unknown_resource(name);
  if (!e->monitors.empty()) return Error{"resource '" + name + "' still has recurring monitors"};
  if (e->runner->running() || e->runner->queued() > 0) return Error{"resource '" + name + "' has actions in progress"};
  resources_.erase(name);
  return Status::ok();
}

Status Executor::execute(const std::string& resource, Action action, OnResult on_result,
                         std::optional<std::uint64_t> timeout_ms) {
  Entry* e = find(resource);
  if (!e) return unknown_resource(resource);
  const config::ResourceConfig& rc = e->runner->resource();
  ActionRequest request{action, 0,
                        timeout_ms.value_or(operation_timeout_ms(rc, action, 0, options_.default_timeout_ms)), 0};
  const Logger* log = &log_;
  return e->runner->enqueue(request, [log, cb = std::move(on_result)](ActionResult r) {
    log_action_result(*log, r);
    if (cb) cb(r);
  });
}

Status Executor::start_monitor(const std::string& resource, std::uint64_t interval_ms, OnMonitor on_monitor,
                               std::optional<std::uint64_t> timeout_ms) {
  Entry* e = find(resource);
  if (!e) return unknown_resource(resource);
  if (interval_ms == 0) return Error{"resource '" + resource + "': a recurring monitor needs an interval > 0"};
  if (e->monitors.count(interval_ms))
    return Error{"resource '" + resource + "' already has a monitor every " + std::to_string(interval_ms) + " ms"};
  std::uint64_t timeout = timeout_ms.value_or(
      operation_timeout_ms(e->runner->resource(), Action::monitor, interval_ms, options_.default_timeout_ms));
  auto monitor = std::make_unique<RecurringMonitor>(loop_, log_, *e->runner, interval_ms, timeout, next_tag_++,
                                                    std::move(on_monitor));
  monitor->start();
  e->monitors.emplace(interval_ms, std::move(monitor));
  log_.info("monitor_started").kv("resource", resource).kv("interval_ms", static_cast<unsigned long>(interval_ms));
  return Status::ok();
}

Status Executor::cancel_monitor(const std::string& resource, std::uint64_t interval_ms) {
  Entry* e = find(resource);
  if (!e) return unknown_resource(resource);
  if (e->monitors.erase(interval_ms) == 0)
    return Error{"resource '" + resource + "' has no monitor every " + std::to_string(interval_ms) + " ms"};
  log_.info("monitor_cancelled").kv("resource", resource).kv("interval_ms", static_cast<unsigned long>(interval_ms));
  return Status::ok();
}

bool Executor::has_monitor(const std::string& resource, std::uint64_t interval_ms) const {
  const Entry* e = find(resource);
  return e && e->monitors.count(interval_ms) != 0;
}

bool Executor::running(const std::string& resource) const {
  const Entry* e = find(resource);
  return e && e->runner->running();
}

std::size_t Executor::queued(const std::string& resource) const {
  const Entry* e = find(resource);
  return e ? e->runner->queued() : 0;
}

}  // namespace hamail::executor
