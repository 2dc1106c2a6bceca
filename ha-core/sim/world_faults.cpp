// World: the seeded fault schedule (partitions, power cuts, hacored crashes, agents and
// fence devices that fail or hang, resources that die, an operator's switchover) and the
// heal that ends it: every fault cleared, every node powered on with hacored running.
#include "world.h"

namespace hamail::hacore::sim {

void World::next_fault() {
  if (healing_) return;
  std::uint64_t pick = below(100);
  SimNode& n = nodes_[below(2)];
  if (pick < 18) {
    fault_partition();
  } else if (pick < 36) {
    if (n.powered) {
      n.stays_off = chance(0.15);
      power_off(n.name, n.stays_off ? "power cut, off until the heal" : "power cut", false);
    }
  } else if (pick < 52) {
    if (n.hacored) {
      kill_hacored(n, "process crash");
      at(now_ + 300 + static_cast<std::int64_t>(below(15000)), forever_, [this, &n] {
        if (n.powered && !n.hacored) start_hacored(n);
      });
    }
  } else if (pick < 68) {
    fault_agents(n);
  } else if (pick < 80) {
    fault_device();
  } else if (pick < 92) {
    fault_resource_death();
  } else {
    fault_switchover();
  }
  at(now_ + 2000 + static_cast<std::int64_t>(below(9000)), forever_, [this] { next_fault(); });
}

void World::fault_partition() {
  if (partitioned_) return;
  ++result_.stats.partitions;
  partitioned_ = true;
  trace("", "PARTITION: every cluster link cut");
  ring_change(detect_ms_, true);
  at(now_ + 1000 + static_cast<std::int64_t>(below(40000)), forever_, [this] {
    if (!partitioned_) return;
    partitioned_ = false;
    trace("", "partition healed");
    ring_change(200 + static_cast<std::int64_t>(below(1000)), false);
  });
}

void World::fault_agents(SimNode& n) {
  ++result_.stats.agent_fault_windows;
  n.faults.fail = chance(0.5) ? 0.3 : 1.0;
  n.faults.hang = chance(0.5) ? 0.15 : 0.0;
  n.faults.monitor_fail = chance(0.3) ? 0.2 : 0.0;
  std::int64_t until = now_ + 3000 + static_cast<std::int64_t>(below(25000));
  trace(n.name, "agents misbehave until t=" + std::to_string(until / 1000) + "s (fail " +
                    std::to_string(static_cast<int>(n.faults.fail * 100)) + "%, hang " +
                    std::to_string(static_cast<int>(n.faults.hang * 100)) + "%, monitor " +
                    std::to_string(static_cast<int>(n.faults.monitor_fail * 100)) + "%)");
  at(until, forever_, [this, &n] {
    n.faults = AgentFaults{};
    trace(n.name, "agents healthy again");
  });
}

void World::fault_device() {
  ++result_.stats.device_fault_windows;
  DeviceFaults& f = device_faults_["pdu"];
  f.fail = chance(0.5) ? 1.0 : 0.5;
  f.hang = chance(0.3) ? 0.3 : 0.0;
  std::int64_t until = now_ + 3000 + static_cast<std::int64_t>(below(30000));
  trace("", "fence device pdu misbehaves until t=" + std::to_string(until / 1000) + "s");
  at(until, forever_, [this] {
    device_faults_["pdu"] = DeviceFaults{};
    trace("", "fence device pdu healthy again");
  });
}

// A resource's process dies on its own (the monitor finds out).
void World::fault_resource_death() {
  if (truth_.empty()) return;
  auto it = truth_.begin();
  std::advance(it, static_cast<long>(below(truth_.size())));
  ++result_.stats.resource_deaths;
  trace(it->first.second, "resource " + it->first.first + " dies");
  note_death(it->first.first, it->first.second);
  truth_.erase(it);
}

void World::fault_switchover() {
  SimNode& n = nodes_[below(2)];
  if (!n.hacored) return;
  cluster::SwitchoverCommand c;
  c.group = chance(0.5) ? "mail" : "web";
  auto now = n.hacored->shell.now();
  auto m = n.hacored->core.command(cluster::OperatorCommand{c}, now, "sim-operator");
  trace(n.name, "operator: hactl switchover " + c.group + (m ? "" : ": refused: " + m.error()));
  if (!m) return;
  ++result_.stats.switchovers;
  (void)n.hacored->shell.send(*m);
}

// The faults stop: links healed, devices and agents healthy, every node powered and its
// hacored running. Liveness is measured from when that holds.
void World::heal() {
  healing_ = true;
  trace("", "HEAL: the faults stop");
  device_faults_["pdu"] = DeviceFaults{};
  for (auto& n : nodes_) n.faults = AgentFaults{};
  if (partitioned_) {
    partitioned_ = false;
    ring_change(200 + static_cast<std::int64_t>(below(1000)), false);
  }
  for (auto& n : nodes_) {
    if (!n.powered) {
      power_on(n.name, "heal");
    } else if (!n.hacored) {
      at(now_ + 100 + static_cast<std::int64_t>(below(1000)), forever_, [this, &n] {
        if (n.powered && !n.hacored) start_hacored(n);
      });
    }
  }
}

}  // namespace hamail::hacore::sim
