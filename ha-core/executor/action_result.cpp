#include "hamail/hacore/executor/action_result.h"

#include "hamail/hacore/executor/exit_mapping.h"
#include "hamail/hacore/executor/ocf_environment.h"

namespace hamail::executor {
namespace {

ActionResult from_key(const ActionKey& key) {
  ActionResult r;
  r.resource = key.resource;
  r.action = key.action;
  r.interval_ms = key.interval_ms;
  r.agent = key.agent.text();
  return r;
}

}  // namespace

std::string tail(const std::string& text, std::size_t max_bytes) {
  std::string_view v(text);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
  if (v.size() > max_bytes) v = v.substr(v.size() - max_bytes);
  return std::string(v);
}

std::string find_exit_reason(const std::string& stderr_text) {
  const std::string prefix = kExitReasonPrefix;
  std::size_t pos = std::string::npos;
  for (std::size_t at = stderr_text.find(prefix); at != std::string::npos; at = stderr_text.find(prefix, at + 1))
    if (at == 0 || stderr_text[at - 1] == '\n') pos = at;
  if (pos == std::string::npos) return {};
  std::size_t start = pos + prefix.size();
  std::size_t end = stderr_text.find('\n', start);
  return stderr_text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

ActionResult result_from_child(const ActionKey& key, const uv::ChildResult& child, std::size_t tail_bytes) {
  ActionResult r = from_key(key);
  r.exit_code = child.exit_code;
  r.term_signal = child.term_signal;
  r.timed_out = child.timed_out;
  r.duration_ms = child.duration_ms;
  r.rc = child.timed_out || child.term_signal != 0 ? OcfRc::err_generic
                                                   : map_exit_code(key.agent.agent_class, key.action, child.exit_code);
  r.classification = classify(key.action, key.interval_ms, r.rc, r.timed_out);
  r.stdout_tail = tail(child.stdout_data, tail_bytes);
  r.stderr_tail = tail(child.stderr_data, tail_bytes);
  r.exit_reason = find_exit_reason(child.stderr_data);
  if (key.action == Action::meta_data) r.output = child.stdout_data;
  return r;
}

ActionResult result_not_run(const ActionKey& key, const std::string& error) {
  ActionResult r = from_key(key);
  r.rc = OcfRc::not_installed;
  r.classification = classify(key.action, key.interval_ms, r.rc, false);
  r.error = error;
  r.exit_reason = error;
  return r;
}

std::string ActionResult::describe() const {
  std::string text = resource + "_" + std::string(to_string(action)) + "_" + std::to_string(interval_ms) + ": ";
  if (timed_out) return text + "timed out after " + std::to_string(duration_ms) + " ms";
  text += std::string(to_string(rc));
  if (!error.empty()) return text + " (" + error + ")";
  text += term_signal != 0 ? " (killed by signal " + std::to_string(term_signal) + ")"
                           : " (exit code " + std::to_string(exit_code) + ")";
  if (!exit_reason.empty()) text += ": " + exit_reason;
  return text;
}

}  // namespace hamail::executor
