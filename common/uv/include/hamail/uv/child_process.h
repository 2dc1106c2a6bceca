// Runs a program (an OCF resource agent, a fence agent) without blocking the loop:
// explicit argv and environment, bounded stdout/stderr capture, and a timeout that
// terminates the child's whole process group (SIGTERM, then SIGKILL after a grace).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hamail/uv/event_loop.h"

namespace hamail::uv {

struct ChildOptions {
  std::vector<std::string> argv;             // argv[0] is the program: a path, or a name looked up in env's PATH
  std::vector<std::string> env;              // "KEY=VALUE"; the child gets exactly these, nothing inherited
  std::string cwd;                           // empty: the daemon's working directory
  std::string stdin_data;                    // written to the child's stdin, which is then closed
  std::size_t max_output_bytes = 64 * 1024;  // per stream; the first bytes are kept
  std::uint64_t timeout_ms = 0;              // 0: no timeout
  std::uint64_t kill_grace_ms = 2000;        // SIGTERM to SIGKILL after a timeout
  // After the child exits, how long to wait for its output pipes to reach EOF (a
  // daemon it started may hold them open) before reporting without the rest.
  std::uint64_t output_drain_ms = 500;
};

struct ChildResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, 0 when it exited
  bool timed_out = false;
  std::string stdout_data;
  std::string stderr_data;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::uint64_t duration_ms = 0;

  // "exit code 1", "killed by signal 9 after a timeout", for logs.
  std::string describe() const;
};

class ChildProcess {
 public:
  using OnExit = std::function<void(ChildResult)>;

  // Starts the child in its own session and process group. Failing to start it (no
  // such program, not executable, bad cwd) is an error naming the program. `on_exit`
  // runs once, after the child exited and its output was collected.
  static Result<std::unique_ptr<ChildProcess>> spawn(EventLoop& loop, ChildOptions options, OnExit on_exit);
  // A child still running is killed (its whole group, SIGKILL); on_exit is not called.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }  // also the process group id
  bool running() const;
  // Sends `signum` to the child's process group.
  Status kill(int signum);

 private:
  ChildProcess() = default;
  detail::HandleState* state_ = nullptr;
  int pid_ = 0;
};

}  // namespace hamail::uv
