// FenceAgentRunner: the shell's FenceDevices in hacored: runs a device's fence-agents
// program (found in the --fence-path directories) as a child process on the loop. The
// fence-agents protocol: argv is the program alone; every argument goes on stdin as
// `key=value` lines (action, plug, nodename, the device's params, password= read from
// its password_file at run time); the environment is a fixed PATH and locale. So a
// secret is never in argv (/proc/PID/cmdline), the environment, or a log line: the
// detail of a failure is the agent's last error line with any secret replaced by ***.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hamail/base/log.h"
#include "hamail/hacore/daemon/fence_devices.h"
#include "hamail/uv/child_process.h"
#include "hamail/uv/event_loop.h"

namespace hamail::hacore {

// The stdin of one run (pure, tested): what the agent reads.
std::string fence_agent_input(const config::StonithDevice& device, const std::string& action,
                              const std::string& target, const std::string& password);
// "exit code 1: <last error line>", secrets replaced.
std::string fence_agent_detail(int exit_code, bool timed_out, const std::string& stderr_data,
                               const std::string& stdout_data, const std::vector<std::string>& secrets);

class FenceAgentRunner : public FenceDevices {
 public:
  static constexpr std::size_t kMaxRunning = 32;
  FenceAgentRunner(uv::EventLoop& loop, const Logger& log, std::vector<std::string> search_path,
                   std::uint64_t default_timeout_ms);
  Status run(const config::StonithDevice& device, const std::string& action, const std::string& target,
             Done done) override;
  // The program's path, or an error naming where it was looked for.
  Result<std::string> find(const std::string& agent) const;

 private:
  uv::EventLoop& loop_;
  const Logger& log_;
  std::vector<std::string> path_;
  std::uint64_t default_timeout_ms_;
  std::map<std::uint64_t, std::unique_ptr<uv::ChildProcess>> running_;
  std::vector<std::uint64_t> finished_;  // removed at the next run (never inside their own callback)
  std::uint64_t next_id_ = 1;
};

}  // namespace hamail::hacore
