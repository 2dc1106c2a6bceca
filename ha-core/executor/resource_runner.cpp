#include "hamail/hacore/executor/resource_runner.h"

#include "hamail/hacore/executor/agent_command.h"
#include "hamail/hacore/executor/program_check.h"

namespace hamail::executor {

ResourceRunner::ResourceRunner(uv::EventLoop& loop, const ExecutorOptions& options, config::ResourceConfig resource,
                               AgentSpec spec)
    : loop_(loop), options_(options), resource_(std::move(resource)), spec_(std::move(spec)), kick_(loop) {}

ResourceRunner::~ResourceRunner() = default;  // ~ChildProcess kills the group

Status ResourceRunner::enqueue(const ActionRequest& request, OnDone done) {
  if (queue_.size() >= options_.max_queue)
    return Error{"resource '" + resource_.name + "': action queue full (" + std::to_string(options_.max_queue) +
                 " waiting), refusing " + std::string(to_string(request.action))};
  auto command = agent_command(options_, resource_, spec_, request.action, request.interval_ms, request.timeout_ms);
  if (!command) return command.status();
  queue_.push_back(Job{request, ActionKey{resource_.name, request.action, request.interval_ms, spec_},
                       std::move(*command), std::move(done)});
  if (!current_ && !kick_.active()) kick_.start(0, [this] { run_next(); });
  return Status::ok();
}

std::size_t ResourceRunner::remove_queued(std::uint64_t tag) {
  std::size_t before = queue_.size();
  std::erase_if(queue_, [tag](const Job& j) { return j.request.tag == tag; });
  return before - queue_.size();
}

void ResourceRunner::update(config::ResourceConfig resource, AgentSpec spec) {
  resource_ = std::move(resource);
  spec_ = std::move(spec);
}

void ResourceRunner::run_next() {
  if (current_ || queue_.empty()) return;
  current_ = std::move(queue_.front());
  queue_.pop_front();
  const std::string& program = current_->command.argv[0];
  if (Status st = check_program(program); !st) return complete(result_not_run(current_->key, st.message()));
  auto child = uv::ChildProcess::spawn(loop_, current_->command, [this](uv::ChildResult r) { on_exit(r); });
  if (!child) return complete(result_not_run(current_->key, child.error()));
  child_ = std::move(*child);
}

void ResourceRunner::on_exit(const uv::ChildResult& child) {
  complete(result_from_child(current_->key, child, options_.tail_bytes));
}

void ResourceRunner::complete(ActionResult result) {
  Job job = std::move(*current_);
  current_.reset();
  child_.reset();  // allowed inside its own exit callback
  if (!queue_.empty()) kick_.start(0, [this] { run_next(); });
  OnDone done = std::move(job.done);
  done(std::move(result));  // may destroy this runner: touch nothing afterwards
}

}  // namespace hamail::executor
