// NodeShell: one node's hacored without I/O of its own. It feeds the ClusterCore its
// inputs (group membership and messages from the MessageChannel, quorum, agent results,
// ticks), each stamped with the Clock, and carries out the Effects the core returns:
// events logged (one logfmt line each) and handed to the event listener (hactl events
// --follow), messages encoded and sent, probes, actions and monitors run by the
// AgentRunner, fences by the Fencer over FenceDevices, whose results come back as new inputs. main() only wires libuv timers,
// signals and descriptors to these entry points; a test drives them directly.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hamail/base/log.h"
#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/hacore/config/cluster_config.h"
#include "hamail/hacore/daemon/agent_runner.h"
#include "hamail/hacore/daemon/clock.h"
#include "hamail/hacore/daemon/corosync_links.h"
#include "hamail/hacore/daemon/fence_devices.h"
#include "hamail/hacore/daemon/fencer.h"
#include "hamail/hacore/daemon/message_channel.h"

namespace hamail::hacore {

class NodeShell {
 public:
  // Every reference must outlive the shell.
  NodeShell(const config::ClusterConfig& cfg, cluster::ClusterCore& core, AgentRunner& agents,
            FenceDevices& fence_devices, MessageChannel& channel, const Clock& clock, const Logger& log);

  // Inputs.
  void on_membership(const std::vector<std::uint32_t>& member_nodeids);
  void on_message(std::uint32_t from_nodeid, std::string_view bytes);
  void on_quorum(bool quorate);
  void tick();  // every ~200 ms: back-offs, delayed decisions, fence delays, device monitors
  // A reading of corosync's links to the other nodes: changes are logged and published.
  void on_link_reading(LinkReading reading);

  // Multicasts a message the core made (operator command, leaving, connectivity).
  Status send(const cluster::protocol::Message& message);
  // Where events go besides the log (the control server's followers).
  void set_event_listener(std::function<void(const nlohmann::json&)> listener) { listener_ = std::move(listener); }

  cluster::ClusterCore& core() { return core_; }
  const cluster::ClusterCore& core() const { return core_; }
  cluster::Now now() const { return cluster::Now{clock_.monotonic_ms(), clock_.wall_ms()}; }
  const Logger& log() const { return log_; }
  const config::ClusterConfig& config() const { return cfg_; }
  const Fencer& fencer() const { return fencer_; }
  // What `hactl status --json` shows: the core's status, each fence device's last monitor
  // (fencing.devices) and corosync's links (corosync_links).
  nlohmann::json status() const;
  // Runs the effects of a core call made outside the shell's inputs (a control request).
  void apply(cluster::Effects& fx) { run(fx); }

 private:
  void run(cluster::Effects& fx);  // the effect runner
  void log_event(const nlohmann::json& e) const;
  void start_monitor(const std::string& resource);
  void probe(const std::string& resource);
  void run_action(const cluster::LocalAction& action);
  void run_fence(const cluster::FenceJob& job);
  void device_health(const std::string& device, bool ok, const std::string& detail);
  std::uint64_t monitor_interval(const std::string& resource) const;
  std::string name_of(std::uint32_t nodeid) const;

  const config::ClusterConfig& cfg_;
  cluster::ClusterCore& core_;
  AgentRunner& agents_;
  MessageChannel& channel_;
  const Clock& clock_;
  const Logger& log_;
  Fencer fencer_;
  CorosyncLinkWatch links_;
  std::function<void(const nlohmann::json&)> listener_;
};

}  // namespace hamail::hacore
