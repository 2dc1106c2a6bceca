#include "hamail/drbdlite/daemon/drbd_metrics.h"

#include <vector>

#include "hamail/metrics/status_json.h"
#include "hamail/metrics/text_format.h"

namespace hamail::drbdlite {

using metrics::json_flag;
using metrics::json_number;
using metrics::json_text;
using nlohmann::json;

namespace {

// DRBD's state names (core/states.h): every one is a series, 1 for the current state.
const std::vector<std::string> kRoles = {"Primary", "Secondary", "Unknown"};
const std::vector<std::string> kConnections = {"StandAlone", "Connecting", "Connected", "SyncSource",
                                               "SyncTarget", "VerifyS",    "VerifyT"};
const std::vector<std::string> kDisks = {"Diskless", "Attaching",  "Inconsistent", "Outdated",
                                         "DUnknown", "Consistent", "UpToDate",     "Failed"};


// Write latencies from 50 us (local, page cache) to 10 s (a frozen or congested link).
std::vector<double> write_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
}

}  // namespace

DrbdMetrics::DrbdMetrics() {
  auto& r = registry_;
  // Declarations are fixed and valid: a failure here is a programming error caught by the tests.
  (void)r.add_gauge("hamail_drbd_volume_up", "Whether the volume is up (attached and running) on this node.",
                    {"volume"});
  (void)r.add_gauge("hamail_drbd_role", "1 for this node's role of the volume, 0 for the others.", {"volume", "role"});
  (void)r.add_gauge("hamail_drbd_peer_role", "1 for the peer's role as last known, 0 for the others.",
                    {"volume", "role"});
  (void)r.add_gauge("hamail_drbd_connection_state", "1 for the replication link's state, 0 for the others.",
                    {"volume", "state"});
  (void)r.add_gauge("hamail_drbd_disk_state", "1 for the local disk's state, 0 for the others.", {"volume", "state"});
  (void)r.add_gauge("hamail_drbd_peer_disk_state", "1 for the peer disk's state as last known, 0 for the others.",
                    {"volume", "state"});
  (void)r.add_gauge("hamail_drbd_out_of_sync_bytes", "Bytes marked out of sync with the peer (resync pending).",
                    {"volume"});
  (void)r.add_gauge("hamail_drbd_resync_rate_bytes_per_second", "The current resync (or verify) rate.", {"volume"});
  (void)r.add_gauge("hamail_drbd_resync_remaining_bytes", "Bytes this resync (or verify) still has to go.", {"volume"});
  (void)r.add_gauge("hamail_drbd_io_frozen", "Whether application I/O is frozen by fencing (1) or not (0).",
                    {"volume"});
  (void)r.add_gauge("hamail_drbd_nbd_clients", "NBD clients connected to the volume's export.", {"volume"});
  (void)r.add_counter("hamail_drbd_writes_total", "Application writes completed, by result (ok or error).",
                      {"volume", "result"});
  (void)r.add_counter("hamail_drbd_written_bytes_total", "Bytes of application writes completed successfully.",
                      {"volume"});
  (void)r.add_histogram("hamail_drbd_write_latency_seconds",
                        "Application write latency, arrival to completion; peer=connected: mirrored to the peer.",
                        write_buckets(), {"volume", "peer"});
}

void DrbdMetrics::on_write(const std::string& volume, const WriteSample& w) {
  (void)registry_.inc("hamail_drbd_writes_total", {volume, w.ok ? "ok" : "error"});
  if (!w.ok) return;
  (void)registry_.inc("hamail_drbd_written_bytes_total", {volume}, static_cast<double>(w.bytes));
  (void)registry_.observe("hamail_drbd_write_latency_seconds",
                          {volume, w.peer_connected ? "connected" : "disconnected"}, w.seconds);
}

void DrbdMetrics::collect(const json& v) {
  auto& r = registry_;
  std::string volume = json_text(v, "volume");
  bool up = json_flag(v, "up") != 0;
  (void)r.set("hamail_drbd_volume_up", {volume}, up ? 1 : 0);
  for (const char* result : {"ok", "error"}) (void)r.inc("hamail_drbd_writes_total", {volume, result}, 0);
  (void)r.inc("hamail_drbd_written_bytes_total", {volume}, 0);
  if (!up) return;  // a down volume has no states: only volume_up 0
  auto one_hot = [&](const char* family, const std::vector<std::string>& states, const std::string& now) {
    for (const auto& s : states) (void)r.set(family, {volume, s}, s == now ? 1 : 0);
  };
  one_hot("hamail_drbd_role", kRoles, json_text(v, "role"));
  one_hot("hamail_drbd_peer_role", kRoles, json_text(v, "peer_role"));
  one_hot("hamail_drbd_connection_state", kConnections, json_text(v, "connection"));
  one_hot("hamail_drbd_disk_state", kDisks, json_text(v, "disk"));
  one_hot("hamail_drbd_peer_disk_state", kDisks, json_text(v, "peer_disk"));
  (void)r.set("hamail_drbd_out_of_sync_bytes", {volume}, json_number(v, "out_of_sync_kib") * 1024);
  (void)r.set("hamail_drbd_resync_rate_bytes_per_second", {volume}, json_number(v, "sync_rate_kib_per_s") * 1024);
  double remaining = json_number(v, "sync_total_kib") - json_number(v, "sync_done_kib");
  (void)r.set("hamail_drbd_resync_remaining_bytes", {volume}, remaining > 0 ? remaining * 1024 : 0);
  (void)r.set("hamail_drbd_io_frozen", {volume}, json_flag(v, "io_frozen"));
  (void)r.set("hamail_drbd_nbd_clients", {volume}, json_number(v, "nbd_clients"));
}

std::string DrbdMetrics::render(const json& volumes) {
  for (const char* family : {"hamail_drbd_volume_up", "hamail_drbd_role", "hamail_drbd_peer_role",
                             "hamail_drbd_connection_state", "hamail_drbd_disk_state", "hamail_drbd_peer_disk_state",
                             "hamail_drbd_out_of_sync_bytes", "hamail_drbd_resync_rate_bytes_per_second",
                             "hamail_drbd_resync_remaining_bytes", "hamail_drbd_io_frozen", "hamail_drbd_nbd_clients"})
    registry_.clear(family);
  if (volumes.is_array())
    for (const auto& v : volumes) collect(v);
  return metrics::render_text(registry_);
}

}  // namespace hamail::drbdlite
