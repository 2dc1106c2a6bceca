#include "hamail/hacore/daemon/adapters/ping_prober.h"

namespace hamail::hacore {

void PingProber::probe(const std::vector<std::string>& targets, std::function<void(bool)> done) {
  pings_.clear();
  pending_ = 0;
  answers_ = 0;
  for (const auto& target : targets) {
    uv::ChildOptions co;
    co.argv = {"/usr/bin/ping", "-n", "-q", "-c", "1", "-W", "1", target};
    co.env = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
    co.timeout_ms = 3000;
    co.max_output_bytes = 4096;
    auto child = uv::ChildProcess::spawn(loop_, co, [this, done](const uv::ChildResult& r) {
      if (r.exit_code == 0) ++answers_;
      if (--pending_ == 0) done(answers_ > 0);
    });
    if (!child) {
      log_.error("ping_failed").kv("target", target).kv("error", child.error());
      continue;
    }
    ++pending_;
    pings_.push_back(std::move(*child));
  }
  if (pending_ == 0) later_.start(0, [done] { done(false); });  // never from inside the call
}

}  // namespace hamail::hacore
