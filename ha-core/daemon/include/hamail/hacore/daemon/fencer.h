// Fencer: carries out the fences the ClusterCore asks this node to run (Effects::fence),
// one at a time, over the FenceDevices port: the race delay (skipped when the target's
// devices already report it off), then the target's topology levels in order. A level
// succeeds only if all its devices do (for reboot with several devices: all off, then all
// on); each device waits its delay_base + a random part of delay_max first and is retried
// `retries` times; after `off` the device is asked for `status` to confirm (2 = off).
// Also a periodic `monitor` of every device: its health, for hactl status. Driven by the
// device results and tick() (delays, monitors); no I/O of its own.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/hacore/cluster/effects.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/daemon/clock.h"
#include "hamail/hacore/daemon/fence_devices.h"

namespace hamail::hacore {

class Fencer {
 public:
  using Done = std::function<void(const cluster::FenceOutcome&)>;
  // A device's monitor changed its answer (ok -> failing or back).
  using HealthChanged = std::function<void(const std::string& device, bool ok, const std::string& detail)>;
  static constexpr std::size_t kMaxQueued = 16;

  Fencer(const config::StonithConfig& cfg, FenceDevices& devices, const Clock& clock);
  // Queues the job; `done` is called once, later. Fails when the queue is full.
  Status fence(const cluster::FenceJob& job, Done done);
  // The target was confirmed off: its queued fences are dropped, and the running one unless
  // an agent runs for it now (then it stops after that agent's answer). A dropped job's
  // `done` is never called. Returns how many were dropped or stopped.
  std::size_t cancel(const std::string& target);
  void tick();
  void set_health_listener(HealthChanged listener) { on_health_ = std::move(listener); }
  // device -> {"ok", "detail", "checked_ago_ms"}; a device never checked yet is absent.
  nlohmann::json health() const;
  bool busy() const { return !jobs_.empty(); }

 private:
  struct Step {
    std::string device;
    std::string action;  // off, on, reboot, status (the confirmation after off)
  };
  enum class Phase { precheck, delay, step_delay, running };
  struct Job {
    cluster::FenceJob job;
    Done done;
    Phase phase = Phase::precheck;
    std::int64_t started_ms = 0;
    std::int64_t wait_until_ms = 0;
    std::int64_t agents_started_ms = -1;
    std::uint64_t delay_ms = 0;
    std::size_t level = 0;
    std::vector<Step> steps;
    std::size_t step = 0;
    int attempt = 0;
    std::vector<std::string> failures;  // one line per failed level
    std::string confirmed;              // how the last off was confirmed
    int prechecks_pending = 0;
    bool all_off = true;
    bool cancelled = false;             // stops at the running agent's answer
  };
  struct Health {
    bool checked = false, ok = true, running = false;
    std::string detail;
    std::int64_t checked_ms = 0, next_ms = 0;
  };

  void start_next();
  void drop_front();
  void precheck(Job& j);
  void begin_level(Job& j);
  void begin_step(Job& j);
  void run_step(Job& j);
  void on_step(std::uint64_t seq, const FenceDevices::Run& r);
  void step_failed(Job& j, const std::string& why);
  void finish(bool ok, const std::string& detail);
  void run_monitors();
  void monitor_done(const std::string& name, bool ok, const std::string& detail);
  std::int64_t device_delay(const config::StonithDevice& d);
  std::int64_t now() const { return clock_.monotonic_ms(); }

  const config::StonithConfig& cfg_;
  FenceDevices& devices_;
  const Clock& clock_;
  HealthChanged on_health_;
  std::deque<Job> jobs_;          // front: the one running
  std::uint64_t seq_ = 0;         // the running step's number (results of others are ignored)
  std::map<std::string, Health> health_;
  std::mt19937_64 random_;
};

}  // namespace hamail::hacore
