// Runs one resource's actions one at a time: a bounded FIFO of requests and at most
// one agent running. Each resource has its own runner, so different resources run
// in parallel while one resource never has two actions at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/executor/action_result.h"
#include "hamail/hacore/executor/executor_options.h"
#include "hamail/uv/child_process.h"
#include "hamail/uv/timer.h"

namespace hamail::executor {

struct ActionRequest {
  Action action = Action::monitor;
  std::uint64_t interval_ms = 0;  // recurring monitors only
  std::uint64_t timeout_ms = 0;
  std::uint64_t tag = 0;          // lets the submitter withdraw its queued requests
};

class ResourceRunner {
 public:
  using OnDone = std::function<void(ActionResult)>;

  // `options` must outlive the runner.
  ResourceRunner(uv::EventLoop& loop, const ExecutorOptions& options, config::ResourceConfig resource, AgentSpec spec);
  // A running agent's process group is killed; nothing is called back afterwards.
  ~ResourceRunner();
  ResourceRunner(const ResourceRunner&) = delete;
  ResourceRunner& operator=(const ResourceRunner&) = delete;

  // Queues an action; `done` runs once with its result, on a later loop iteration
  // (also when the agent cannot be run). Fails at once when the queue is full or the
  // agent class has no such action.
  Status enqueue(const ActionRequest& request, OnDone done);
  // Drops queued (not yet running) requests with this tag, uncalled; returns how many.
  std::size_t remove_queued(std::uint64_t tag);
  // New parameters/agent for actions queued from now on.
  void update(config::ResourceConfig resource, AgentSpec spec);

  bool running() const { return current_.has_value(); }
  std::size_t queued() const { return queue_.size(); }
  const config::ResourceConfig& resource() const { return resource_; }
  const AgentSpec& spec() const { return spec_; }

 private:
  struct Job {
    ActionRequest request;
    ActionKey key;
    uv::ChildOptions command;
    OnDone done;
  };

  void run_next();
  void on_exit(const uv::ChildResult& child);
  void complete(ActionResult result);

  uv::EventLoop& loop_;
  const ExecutorOptions& options_;
  config::ResourceConfig resource_;
  AgentSpec spec_;
  std::deque<Job> queue_;
  std::optional<Job> current_;
  std::unique_ptr<uv::ChildProcess> child_;
  uv::Timer kick_;  // starts the next job on a fresh loop iteration, never inside a caller
};

}  // namespace hamail::executor
