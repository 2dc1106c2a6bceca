#include "hamail/hacore/daemon/hacore_metrics.h"

#include "hamail/metrics/status_json.h"
#include "hamail/metrics/text_format.h"

namespace hamail::hacore {

using metrics::json_flag;
using metrics::json_number;
using metrics::json_text;
using nlohmann::json;

namespace {

const std::vector<std::string> kNodeStates = {"online", "probing", "offline", "unclean", "incompatible"};

// The node status text of ClusterCore::status() as one of kNodeStates.
std::string node_state(const std::string& status) {
  if (status.starts_with("online, INCOMPATIBLE")) return "incompatible";
  if (status.starts_with("online (probing)")) return "probing";
  for (const auto& s : kNodeStates)
    if (status == s) return s;
  return "offline";
}


}  // namespace

HacoreMetrics::HacoreMetrics() {
  auto& r = registry_;
  auto buckets = metrics::duration_buckets_seconds();
  // Declarations are fixed and valid: a failure here is a programming error caught by the tests.
  (void)r.add_gauge("hamail_cluster_quorate", "Whether this node's partition has quorum (1) or not (0).");
  (void)r.add_gauge("hamail_cluster_is_dc", "Whether this node is the designated coordinator (1) or not (0).");
  (void)r.add_gauge("hamail_cluster_maintenance", "Whether the cluster is in maintenance mode (1) or not (0).");
  (void)r.add_gauge("hamail_cluster_frozen", "Whether a member speaks an incompatible protocol, freezing the cluster.");
  (void)r.add_gauge("hamail_cluster_nodes", "Configured nodes by state, as this node sees them.", {"state"});
  (void)r.add_gauge("hamail_cluster_node_state", "1 for the state each configured node is in, 0 for the others.",
                    {"node", "state"});
  (void)r.add_gauge("hamail_cluster_node_standby", "Whether the node is in standby (1) or not (0).", {"node"});
  (void)r.add_gauge("hamail_group_placement", "1 for the node a resource group runs on, 0 for the other nodes.",
                    {"group", "node"});
  (void)r.add_gauge("hamail_resource_state", "1 for each resource's state on each node where it is known.",
                    {"group", "resource", "node", "state"});
  (void)r.add_gauge("hamail_resource_failcount", "Failures counted against a resource on a node (reset by cleanup).",
                    {"resource", "node"});
  (void)r.add_gauge("hamail_fence_device_healthy",
                    "The last monitor of a fence device: 1 it answered, 0 it failed (unchecked devices absent).",
                    {"device"});
  (void)r.add_gauge("hamail_corosync_link_connected",
                    "Whether corosync's link to a node is up for data (1) or not (0), as this node sees it.",
                    {"node", "link"});
  (void)r.add_counter("hamail_failovers_total", "Failovers begun: a node running the group was lost.", {"group"});
  (void)r.add_counter("hamail_recoveries_total", "Recoveries begun: a resource of the running group failed.",
                      {"group"});
  (void)r.add_counter("hamail_switchovers_total", "Switchovers ended, by result (done or failed).",
                      {"group", "result"});
  (void)r.add_counter("hamail_fence_actions_total",
                      "Fence actions ended, by target node and result (fenced or failed).", {"target", "result"});
  (void)r.add_counter("hamail_resource_operation_failures_total",
                      "Failed resource operations, by resource, node and operation.",
                      {"resource", "node", "operation"});
  (void)r.add_histogram("hamail_failover_duration_seconds", "From the node's loss to the group running elsewhere.",
                        buckets, {"group"});
  (void)r.add_histogram("hamail_recovery_duration_seconds", "From a resource's failure to its group running again.",
                        buckets, {"group"});
  (void)r.add_histogram("hamail_switchover_duration_seconds", "From a switchover's request to its end.", buckets,
                        {"group", "result"});
}

void HacoreMetrics::on_event(const json& e) {
  std::string name = json_text(e, "event");
  // Label values come from messages the core already checked against the configuration;
  // the registry's series bound still holds if one did not.
  if (name == "failover_begin") {
    (void)registry_.inc("hamail_failovers_total", {json_text(e, "group")});
  } else if (name == "failover_end") {
    (void)registry_.observe("hamail_failover_duration_seconds", {json_text(e, "group")},
                            json_number(e, "duration_ms") / 1000);
  } else if (name == "recovery_begin") {
    (void)registry_.inc("hamail_recoveries_total", {json_text(e, "group")});
  } else if (name == "recovery_end") {
    (void)registry_.observe("hamail_recovery_duration_seconds", {json_text(e, "group")},
                            json_number(e, "duration_ms") / 1000);
  } else if (name == "switchover_end" || name == "switchover_failed") {
    std::string result = name == "switchover_end" ? "done" : "failed";
    (void)registry_.inc("hamail_switchovers_total", {json_text(e, "group"), result});
    (void)registry_.observe("hamail_switchover_duration_seconds", {json_text(e, "group"), result},
                            json_number(e, "duration_ms") / 1000);
  } else if (name == "fence_end") {
    (void)registry_.inc("hamail_fence_actions_total",
                        {json_text(e, "target"), json_flag(e, "ok") ? "fenced" : "failed"});
  } else if (name == "resource_failed") {
    (void)registry_.inc("hamail_resource_operation_failures_total",
                        {json_text(e, "resource"), json_text(e, "node"), json_text(e, "op")});
  } else if (name == "probe_failed") {
    (void)registry_.inc("hamail_resource_operation_failures_total",
                        {json_text(e, "resource"), json_text(e, "node"), "probe"});
  }
}

void HacoreMetrics::collect(const json& status) {
  auto& r = registry_;
  std::string me = json_text(status, "local_node");
  (void)r.set("hamail_cluster_quorate", json_flag(status, "quorate"));
  (void)r.set("hamail_cluster_is_dc", !me.empty() && json_text(status, "dc") == me ? 1 : 0);
  (void)r.set("hamail_cluster_maintenance", json_flag(status, "maintenance"));
  (void)r.set("hamail_cluster_frozen", status.contains("protocol") ? json_flag(status["protocol"], "frozen") : 0);
  std::map<std::string, int> by_state;
  for (const auto& s : kNodeStates) by_state[s] = 0;
  r.clear("hamail_cluster_node_state");
  r.clear("hamail_cluster_node_standby");
  for (const auto& n : status.value("nodes", json::array())) {
    std::string node = json_text(n, "name"), state = node_state(json_text(n, "status"));
    ++by_state[state];
    for (const auto& s : kNodeStates) (void)r.set("hamail_cluster_node_state", {node, s}, s == state ? 1 : 0);
    (void)r.set("hamail_cluster_node_standby", {node}, json_flag(n, "standby"));
    for (const char* result : {"fenced", "failed"}) (void)r.inc("hamail_fence_actions_total", {node, result}, 0);
  }
  for (const auto& [state, count] : by_state) (void)r.set("hamail_cluster_nodes", {state}, count);
  r.clear("hamail_fence_device_healthy");
  if (auto f = status.find("fencing"); f != status.end() && f->is_object()) {
    const json devices = f->value("devices", json::object());
    for (const auto& [device, health] : devices.items())
      if (health.is_object() && health.contains("ok"))
        (void)r.set("hamail_fence_device_healthy", {device}, json_flag(health, "ok"));
  }
  r.clear("hamail_corosync_link_connected");
  if (auto c = status.find("corosync_links"); c != status.end() && c->is_object()) {
    const json nodes = c->value("nodes", json::object());
    for (const auto& [node, peer] : nodes.items())
      for (const auto& l : peer.is_object() ? peer.value("links", json::array()) : json::array())
        if (l.is_object() && l.contains("link"))
          (void)r.set("hamail_corosync_link_connected", {node, l["link"].dump()}, json_flag(l, "connected"));
  }
  collect_groups(status);
}

void HacoreMetrics::collect_groups(const json& status) {
  auto& r = registry_;
  r.clear("hamail_group_placement");
  r.clear("hamail_resource_state");
  r.clear("hamail_resource_failcount");
  for (const auto& g : status.value("groups", json::array())) {
    std::string group = json_text(g, "name"), where = json_text(g, "node");
    // Counters of every configured group and node exist from the first scrape, at 0, so
    // that rate() and increase() see their first event.
    (void)r.inc("hamail_failovers_total", {group}, 0);
    (void)r.inc("hamail_recoveries_total", {group}, 0);
    for (const char* result : {"done", "failed"}) (void)r.inc("hamail_switchovers_total", {group, result}, 0);
    for (const auto& n : status.value("nodes", json::array()))
      (void)r.set("hamail_group_placement", {group, json_text(n, "name")}, json_text(n, "name") == where ? 1 : 0);
    for (const auto& res : g.value("resources", json::array())) {
      std::string name = json_text(res, "name");
      const json on = res.value("on", json::object()), fails = res.value("fail_counts", json::object());
      for (const auto& [node, state] : on.items())
        if (state.is_string()) (void)r.set("hamail_resource_state", {group, name, node, state.get<std::string>()}, 1);
      for (const auto& [node, count] : fails.items())
        if (count.is_number()) (void)r.set("hamail_resource_failcount", {name, node}, count.get<double>());
    }
  }
}

std::string HacoreMetrics::render(const json& status) {
  collect(status);
  return metrics::render_text(registry_);
}

}  // namespace hamail::hacore
