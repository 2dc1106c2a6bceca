#include "hamail/drbdlite/daemon/handler_runner.h"

#include <cstdlib>

namespace hamail::drbdlite {
namespace {

constexpr std::size_t kLoggedOutput = 512;  // of a handler's stderr/stdout, in its log line

std::string first_bytes(const std::string& s) {
  std::string out = s.substr(0, kLoggedOutput);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::vector<std::string> handler_env(const HandlerContext& c, Handler h, const std::string& path) {
  return {"DRBD_RESOURCE=" + c.volume,      "DRBD_VOLUME=" + c.volume, "DRBD_HANDLER=" + std::string(to_string(h)),
          "DRBD_NODE=" + c.node,            "DRBD_PEER=" + c.peer,     "DRBD_PEER_ADDRESS=" + c.peer_addr,
          "PATH=" + path};
}

HandlerRunner::HandlerRunner(uv::EventLoop& loop, const Logger& log, VolumeHandlers commands, std::uint64_t timeout_ms,
                             HandlerContext context)
    : loop_(loop), log_(log), commands_(std::move(commands)), timeout_ms_(timeout_ms), context_(std::move(context)) {}

HandlerRunner::~HandlerRunner() {
  for (auto& [id, child] : running_)
    log_.warning("handler_killed").kv("volume", context_.volume).kv("pid", child->pid()).kv("reason", "volume down");
}

const std::string& HandlerRunner::command(Handler h) const {
  switch (h) {
    case Handler::split_brain: return commands_.split_brain;
    case Handler::fence_peer: return commands_.fence_peer;
    case Handler::unfence_peer: return commands_.unfence_peer;
    case Handler::pri_lost_after_sb: return commands_.pri_lost_after_sb;
    case Handler::after_resync_target: return commands_.after_resync_target;
  }
  return commands_.split_brain;
}

void HandlerRunner::run(const HandlerRequest& request, Done done) {
  const std::string name(to_string(request.handler));
  const std::string& cmd = command(request.handler);
  HandlerResult refused;
  if (cmd.empty()) {
    refused.detail = "not configured (handlers." + name + " in cluster.yaml)";
    log_.info("handler_not_configured").kv("volume", context_.volume).kv("handler", name);
    return done(request, refused);
  }
  if (running_.size() >= kMaxRunning) {
    refused.detail = "not started: " + std::to_string(kMaxRunning) + " handlers of this volume still run";
    log_.error("handler_refused").kv("volume", context_.volume).kv("handler", name).kv("reason", refused.detail);
    return done(request, refused);
  }
  const char* path = std::getenv("PATH");
  uv::ChildOptions o;
  o.argv = {"/bin/sh", "-c", cmd};
  o.env = handler_env(context_, request.handler, path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  o.timeout_ms = timeout_ms_;
  o.max_output_bytes = 4096;
  auto child = uv::ChildProcess::spawn(loop_, std::move(o), [this, request, done](uv::ChildResult r) {
    finish(request, r, done);  // erases the ChildProcess: allowed inside its own exit callback
  });
  if (!child) {
    refused.detail = "could not start: " + child.error();
    log_.error("handler_failed").kv("volume", context_.volume).kv("handler", name).kv("error", child.error());
    return done(request, refused);
  }
  log_.info("handler_started")
      .kv("volume", context_.volume)
      .kv("handler", name)
      .kv("pid", (*child)->pid())
      .kv("command", cmd)
      .kv("peer", context_.peer);
  running_[request.id] = std::move(*child);
}

void HandlerRunner::finish(const HandlerRequest& request, const uv::ChildResult& r, const Done& done) {
  HandlerResult result;
  result.exit_code = r.exit_code;
  result.timed_out = r.timed_out;
  result.detail = r.describe();
  {
    auto rec = log_.info("handler_finished");  // written when it goes out of scope: before `done`
    rec.kv("volume", context_.volume)
        .kv("handler", std::string(to_string(request.handler)))
        .kv("result", result.detail)
        .kv("ms", static_cast<long long>(r.duration_ms));
    if (!r.stderr_data.empty()) rec.kv("stderr", first_bytes(r.stderr_data));
    if (!r.stdout_data.empty()) rec.kv("stdout", first_bytes(r.stdout_data));
  }
  running_.erase(request.id);  // destroys the ChildProcess whose callback this is
  done(request, result);
}

}  // namespace hamail::drbdlite
