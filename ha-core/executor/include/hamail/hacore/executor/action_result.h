// What one agent action did: the OCF result and its classification, whether it timed
// out, how long it took, and the agent's last words (exit reason, stdout/stderr tail)
// for "failed action ... with reason" in hactl status and the action_result log line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "hamail/hacore/executor/action.h"
#include "hamail/hacore/executor/agent_spec.h"
#include "hamail/hacore/executor/ocf_rc.h"
#include "hamail/uv/child_process.h"

namespace hamail::executor {

struct ActionResult {
  std::string resource;
  Action action = Action::monitor;
  std::uint64_t interval_ms = 0;  // 0 for everything but a recurring monitor
  std::string agent;              // "ocf:hamail:vip"
  int exit_code = -1;             // the program's own code; -1 when killed or never run
  int term_signal = 0;
  OcfRc rc = OcfRc::err_generic;  // exit code mapped to OCF (LSB status and systemctl too)
  Classification classification = Classification::soft_error;
  bool timed_out = false;
  std::uint64_t duration_ms = 0;
  std::string error;        // the agent could not be run (not found, not executable): names the path
  std::string exit_reason;  // the agent's "ocf-exit-reason:" line, else `error`
  std::string stdout_tail;  // the last bytes of what was captured
  std::string stderr_tail;
  std::string output;       // all captured stdout, for meta-data only (the XML)

  bool ok() const { return classification == Classification::success; }
  bool is_probe() const { return action == Action::monitor && interval_ms == 0; }
  // "vip_monitor_10000: not running (exit code 7)", "... timed out after 20000 ms".
  std::string describe() const;
};

// The identity of an action, before it ran.
struct ActionKey {
  std::string resource;
  Action action = Action::monitor;
  std::uint64_t interval_ms = 0;
  AgentSpec agent;
};

// A result from a finished program.
ActionResult result_from_child(const ActionKey& key, const uv::ChildResult& child, std::size_t tail_bytes);
// A result for a program that could not be started: not installed, hard error
// (a probe: not running, since nothing can run here).
ActionResult result_not_run(const ActionKey& key, const std::string& error);

// The last `max_bytes` of `text`, without a trailing newline.
std::string tail(const std::string& text, std::size_t max_bytes);
// The text after the last "ocf-exit-reason:" line of `stderr_text`, or empty.
std::string find_exit_reason(const std::string& stderr_text);

}  // namespace hamail::executor
