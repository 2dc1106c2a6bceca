#include "hamail/hacore/cli/peer_shell.h"

#include "hamail/hacore/cli/program_runner.h"

namespace hamail::hactl {
namespace {

std::string ssh_target(const Peer& peer) { return "root@" + peer.address; }

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Each line of `text` prefixed with "NAME: " (the peer's error lines shown here).
std::string prefixed_lines(const std::string& name, const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += name + ": " + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

}  // namespace

Result<PeerReply> run_hactl_on_peer(const Peer& peer, const std::vector<std::string>& args, const std::string& stdin_data,
                                    std::uint64_t timeout_ms) {
  uv::ChildOptions o;
  o.argv = command_prefix("HAMAIL_SSH", {"ssh", "-o", "BatchMode=yes"});
  std::string shown;  // the ssh command as run, without the remote command (and never stdin_data)
  for (const auto& w : o.argv) shown += w + " ";
  shown += ssh_target(peer);
  o.argv.push_back(ssh_target(peer));
  o.argv.push_back("hactl");
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = inherited_environment();
  o.stdin_data = stdin_data;
  o.timeout_ms = timeout_ms;
  auto r = run_program(std::move(o));
  std::string who = peer.name + " (" + peer.address + ")";
  if (!r) return Error{"cannot run " + shown + ": " + r.error()};
  if (r->exit_code == 0) return PeerReply{r->stdout_data, r->stderr_data};
  if (r->timed_out) return Error{who + ": no answer through " + shown + " within " + std::to_string(timeout_ms / 1000) + " s"};
  if (r->exit_code == 255)
    return Error{who + ": " + shown + " failed: " + trimmed(r->stderr_data) +
                 "\nhactl needs root's ssh to the peer without a password prompt: check `" + shown +
                 " true`, or set HAMAIL_SSH (e.g. \"ssh -i KEY -p PORT\")"};
  if (r->exit_code == 127)
    return Error{who + ": hactl is not installed there (" + trimmed(r->stderr_data) + "): install hamail-cluster on it"};
  std::string err = trimmed(r->stderr_data);
  return Error{err.empty() ? who + ": hactl " + args[0] + " failed (" + r->describe() + ")" : trimmed(prefixed_lines(peer.name, err))};
}

}  // namespace hamail::hactl
