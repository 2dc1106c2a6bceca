#include "hamail/hacore/daemon/adapters/fence_agent_runner.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace hamail::hacore {

namespace {

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

std::string one_line(std::string v) {
  for (char& c : v)
    if (c == '\n' || c == '\r') c = ' ';
  return v;
}

Result<std::string> read_secret(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read password_file " + path};
  std::string s;
  std::getline(in, s);
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string fence_agent_input(const config::StonithDevice& d, const std::string& action, const std::string& target,
                              const std::string& password) {
  std::ostringstream in;
  in << "action=" << action << "\n";
  if (!target.empty()) {
    auto it = d.host_map.find(target);
    in << "plug=" << one_line(it == d.host_map.end() ? target : it->second) << "\n";
    in << "nodename=" << one_line(target) << "\n";
  }
  for (const auto& [k, v] : d.params) in << one_line(k) << "=" << one_line(v) << "\n";
  if (!password.empty()) in << "password=" << one_line(password) << "\n";
  return in.str();
}

std::string fence_agent_detail(int exit_code, bool timed_out, const std::string& err, const std::string& out,
                               const std::vector<std::string>& secrets) {
  std::string line = last_line(err);
  if (line.empty()) line = last_line(out);
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (auto at = line.find(s); at != std::string::npos; at = line.find(s, at + 3)) line.replace(at, s.size(), "***");
  }
  if (line.size() > 512) line = line.substr(0, 512) + "...";
  std::string head = timed_out ? "timed out" : exit_code < 0 ? "killed by a signal" : "exit code " + std::to_string(exit_code);
  return line.empty() ? head : head + ": " + line;
}

FenceAgentRunner::FenceAgentRunner(uv::EventLoop& loop, const Logger& log, std::vector<std::string> search_path,
                                   std::uint64_t default_timeout_ms)
    : loop_(loop), log_(log), path_(std::move(search_path)), default_timeout_ms_(default_timeout_ms) {}

Result<std::string> FenceAgentRunner::find(const std::string& agent) const {
  std::string where;
  for (const auto& dir : path_) {
    std::string p = dir + "/" + agent;
    if (access(p.c_str(), X_OK) == 0) return p;
    where += (where.empty() ? "" : ":") + dir;
  }
  return Error{"fence agent " + agent + " not found (searched " + where + "; Debian's fence-agents package?)"};
}

Status FenceAgentRunner::run(const config::StonithDevice& d, const std::string& action, const std::string& target,
                             Done done) {
  for (auto id : finished_) running_.erase(id);
  finished_.clear();
  if (running_.size() >= kMaxRunning) return Error{"too many fence agents running (" + std::to_string(kMaxRunning) + ")"};
  auto program = find(d.agent);
  if (!program) return Error{program.error()};
  std::string password;
  if (!d.password_file.empty()) {
    auto secret = read_secret(d.password_file);
    if (!secret) return Error{secret.error()};
    password = *secret;
  }
  std::vector<std::string> secrets = {password};
  for (const auto& k : {"password", "passwd"})
    if (auto it = d.params.find(k); it != d.params.end()) secrets.push_back(it->second);
  uv::ChildOptions co;
  co.argv = {*program};
  co.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"};
  co.stdin_data = fence_agent_input(d, action, target, password);
  co.max_output_bytes = 16 * 1024;
  co.timeout_ms = d.timeout ? static_cast<std::uint64_t>(d.timeout->count()) : default_timeout_ms_;
  std::uint64_t id = next_id_++;
  auto child = uv::ChildProcess::spawn(loop_, std::move(co), [this, id, secrets, done](const uv::ChildResult& r) {
    finished_.push_back(id);
    done(Run{r.timed_out ? 1 : r.exit_code, r.timed_out,
             fence_agent_detail(r.exit_code, r.timed_out, r.stderr_data, r.stdout_data, secrets), r.duration_ms});
  });
  if (!child) return Error{child.error()};
  log_.debug("fence_agent").kv("device", d.name).kv("agent", d.agent).kv("action", action).kv("target", target)
      .kv("pid", (*child)->pid());
  running_[id] = std::move(*child);
  return Status::ok();
}

}  // namespace hamail::hacore
