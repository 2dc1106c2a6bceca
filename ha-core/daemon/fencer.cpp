#include "hamail/hacore/daemon/fencer.h"

#include <algorithm>

namespace hamail::hacore {

using nlohmann::json;

namespace {
constexpr std::int64_t kRetryPauseMs = 500;  // between two runs of a failed step

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}
}  // namespace

Fencer::Fencer(const config::StonithConfig& cfg, FenceDevices& devices, const Clock& clock)
    : cfg_(cfg), devices_(devices), clock_(clock), random_(static_cast<std::uint64_t>(clock.wall_ms())) {}

Status Fencer::fence(const cluster::FenceJob& job, Done done) {
  if (jobs_.size() >= kMaxQueued)
    return Error{"the fence queue is full (" + std::to_string(kMaxQueued) + " fences waiting)"};
  Job j;
  j.job = job;
  j.done = std::move(done);
  jobs_.push_back(std::move(j));
  if (jobs_.size() == 1) start_next();
  return Status::ok();
}

void Fencer::start_next() {
  if (jobs_.empty()) return;
  Job& j = jobs_.front();
  j.started_ms = now();
  j.wait_until_ms = now() + std::max<std::int64_t>(0, j.job.delay_ms);
  if (j.job.delay_ms > 0) precheck(j);
  else begin_level(j);
}

// Before waiting the race delay: if every device of the first level already reports the
// target off (it really died), there is no race to lose, and no reason to wait.
void Fencer::precheck(Job& j) {
  auto levels = cfg_.levels_for(j.job.target);
  j.phase = Phase::precheck;
  j.all_off = !levels.empty();
  std::vector<const config::StonithDevice*> devs;
  for (const auto& name : levels.empty() ? std::vector<std::string>{} : levels.front())
    if (const auto* d = cfg_.find_device(name)) devs.push_back(d);
  j.prechecks_pending = static_cast<int>(devs.size());
  ++seq_;
  for (const auto* d : devs) {
    Status st = devices_.run(*d, "status", j.job.target, [this, s = seq_](const FenceDevices::Run& r) { on_step(s, r); });
    if (!st) on_step(seq_, FenceDevices::Run{1, false, st.message(), 0});
  }
  if (devs.empty()) {
    j.phase = Phase::delay;
    j.delay_ms = static_cast<std::uint64_t>(j.job.delay_ms);
  }
}

void Fencer::begin_level(Job& j) {
  auto levels = cfg_.levels_for(j.job.target);
  if (j.level >= levels.size()) {
    finish(false, levels.empty() ? "no fencing device can fence " + j.job.target
                                 : "every level failed: " + joined(j.failures, "; "));
    return;
  }
  const auto& devs = levels[j.level];
  j.steps.clear();
  bool split = j.job.action == "reboot" && devs.size() > 1;  // all off, then all on
  for (const auto& d : devs) {
    j.steps.push_back({d, split ? "off" : j.job.action});
    if (split || j.job.action == "off") j.steps.push_back({d, "status"});
  }
  if (split)
    for (const auto& d : devs) j.steps.push_back({d, "on"});
  j.step = 0;
  begin_step(j);
}

void Fencer::begin_step(Job& j) {
  if (j.step >= j.steps.size()) {
    auto levels = cfg_.levels_for(j.job.target);
    finish(true, "level " + std::to_string(j.level + 1) + " (" + joined(levels[j.level], ", ") + "): " +
                     j.job.action + " done" + (j.confirmed.empty() ? "" : "; " + j.confirmed));
    return;
  }
  j.attempt = 0;
  const Step& s = j.steps[j.step];
  const auto* d = cfg_.find_device(s.device);
  std::int64_t delay = d && s.action != "status" && s.action != "on" ? device_delay(*d) : 0;
  if (delay > 0) {
    j.phase = Phase::step_delay;
    j.wait_until_ms = now() + delay;
    j.delay_ms += static_cast<std::uint64_t>(delay);
    return;
  }
  run_step(j);
}

void Fencer::run_step(Job& j) {
  j.phase = Phase::running;
  if (j.agents_started_ms < 0) j.agents_started_ms = now();
  const Step& s = j.steps[j.step];
  const auto* d = cfg_.find_device(s.device);
  ++seq_;
  if (!d) {
    step_failed(j, "no stonith device named " + s.device);
    return;
  }
  Status st = devices_.run(*d, s.action, j.job.target, [this, seq = seq_](const FenceDevices::Run& r) { on_step(seq, r); });
  if (!st) step_failed(j, s.device + " " + s.action + ": " + st.message());
}

std::size_t Fencer::cancel(const std::string& target) {
  std::size_t n = 0;
  for (auto it = jobs_.empty() ? jobs_.end() : std::next(jobs_.begin()); it != jobs_.end();) {
    if (it->job.target != target) {
      ++it;
      continue;
    }
    it = jobs_.erase(it);
    ++n;
  }
  if (!jobs_.empty() && jobs_.front().job.target == target && !jobs_.front().cancelled) {
    ++n;
    if (jobs_.front().phase == Phase::running) {
      jobs_.front().cancelled = true;
    } else {
      drop_front();
    }
  }
  return n;
}

void Fencer::drop_front() {
  jobs_.pop_front();
  ++seq_;  // the answers of its status prechecks are ignored
  start_next();
}

void Fencer::on_step(std::uint64_t seq, const FenceDevices::Run& r) {
  if (jobs_.empty() || seq != seq_) return;
  Job& j = jobs_.front();
  if (j.cancelled) {
    drop_front();
    return;
  }
  if (j.phase == Phase::precheck) {
    j.all_off = j.all_off && r.rc == 2;
    if (--j.prechecks_pending > 0) return;
    if (j.all_off) {
      j.job.delay_reason += (j.job.delay_reason.empty() ? "" : "; ") + std::string("delay skipped: already off");
      begin_level(j);
      return;
    }
    j.phase = Phase::delay;
    j.delay_ms += static_cast<std::uint64_t>(j.job.delay_ms);
    if (now() >= j.wait_until_ms) begin_level(j);
    return;
  }
  if (j.phase != Phase::running) return;
  const Step& s = j.steps[j.step];
  if (s.action == "status") {
    if (r.rc == 0) {
      step_failed(j, s.device + " status: " + j.job.target + " is still on after off");
      return;
    }
    j.confirmed = r.rc == 2 ? "off confirmed by " + s.device + " status"
                            : "off not confirmed (" + s.device + " status: " + r.detail + ")";
  } else if (r.rc != 0) {
    step_failed(j, s.device + " " + s.action + ": " + (r.timed_out ? "timed out: " : "") + r.detail);
    return;
  }
  ++j.step;
  begin_step(j);
}

void Fencer::step_failed(Job& j, const std::string& why) {
  const Step& s = j.steps[j.step];
  const auto* d = cfg_.find_device(s.device);
  if (d && j.attempt < d->retries) {
    ++j.attempt;
    j.phase = Phase::step_delay;
    j.wait_until_ms = now() + kRetryPauseMs;
    return;
  }
  auto levels = cfg_.levels_for(j.job.target);
  j.failures.push_back("level " + std::to_string(j.level + 1) + " (" + joined(levels[j.level], ", ") + "): " + why +
                       (j.attempt > 0 ? " (" + std::to_string(j.attempt + 1) + " attempts)" : ""));
  ++j.level;
  j.confirmed.clear();
  begin_level(j);
}

void Fencer::finish(bool ok, const std::string& detail) {
  Job j = std::move(jobs_.front());
  jobs_.pop_front();
  ++seq_;
  auto levels = cfg_.levels_for(j.job.target);
  cluster::FenceOutcome o;
  o.ok = ok;
  o.detail = detail + (j.job.delay_reason.empty() || j.delay_ms == 0 && j.job.delay_ms == 0
                           ? ""
                           : " [race delay: " + j.job.delay_reason + "]");
  std::size_t used = std::min(j.level, levels.empty() ? 0 : levels.size() - 1);
  if (!levels.empty()) o.devices = levels[used];
  o.level = levels.empty() || (!ok && j.failures.empty()) ? 0 : static_cast<std::uint32_t>(used + 1);
  o.delay_ms = j.delay_ms;
  std::int64_t from = j.agents_started_ms < 0 ? now() : j.agents_started_ms;
  o.duration_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now() - from));
  start_next();
  j.done(o);
}

std::int64_t Fencer::device_delay(const config::StonithDevice& d) {
  std::int64_t base = d.delay_base.count(), spread = d.delay_max.count();
  if (spread <= 0) return base;
  return base + static_cast<std::int64_t>(random_() % static_cast<std::uint64_t>(spread + 1));
}

void Fencer::tick() {
  if (!jobs_.empty()) {
    Job& j = jobs_.front();
    if (j.phase == Phase::delay && now() >= j.wait_until_ms) begin_level(j);
    else if (j.phase == Phase::step_delay && now() >= j.wait_until_ms) run_step(j);
  }
  run_monitors();
}

// ---- device health ------------------------------------------------------------------------

void Fencer::run_monitors() {
  if (busy()) return;  // a device busy fencing is not disturbed
  for (const auto& d : cfg_.devices) {
    if (d.monitor_interval.count() <= 0) continue;
    Health& h = health_[d.name];
    if (h.running || now() < h.next_ms) continue;
    h.running = true;
    std::string name = d.name;
    Status st = devices_.run(d, "monitor", "", [this, name](const FenceDevices::Run& r) {
      monitor_done(name, r.rc == 0, r.timed_out ? "timed out: " + r.detail : r.detail);
    });
    if (!st) monitor_done(name, false, st.message());
  }
}

void Fencer::monitor_done(const std::string& name, bool ok, const std::string& detail) {
  Health& h = health_[name];
  const auto* d = cfg_.find_device(name);
  bool changed = h.checked ? h.ok != ok : !ok;
  h.running = false;
  h.checked = true;
  h.ok = ok;
  h.detail = ok ? "" : detail;
  h.checked_ms = now();
  h.next_ms = now() + (d ? d->monitor_interval.count() : 60000);
  if (changed && on_health_) on_health_(name, ok, detail);
}

json Fencer::health() const {
  json out = json::object();
  for (const auto& d : cfg_.devices) {
    auto it = health_.find(d.name);
    json j = {{"agent", d.agent}, {"hosts", d.hosts}, {"monitored", d.monitor_interval.count() > 0}};
    if (it != health_.end() && it->second.checked) {
      j["ok"] = it->second.ok;
      j["detail"] = it->second.detail;
      j["checked_ago_ms"] = now() - it->second.checked_ms;
    }
    out[d.name] = j;
  }
  return out;
}

}  // namespace hamail::hacore
