// drbdlite: the operator's CLI for drbd-lite, in the spirit of drbdadm. Talks to the
// local drbdlited over its control socket.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "hamail/base/version.h"
#include "hamail/control/control_client.h"
#include "hamail/drbdlite/config/drbd_config.h"

namespace {

using nlohmann::json;

const char* kUsage =
    "Usage: drbdlite [--runtime-dir DIR] COMMAND ...\n"
    "  create-md VOL [--force]        write fresh metadata on the lower device\n"
    "  up VOL | down VOL              attach + connect | disconnect + detach\n"
    "  primary VOL [--force]          promote (--force: this node's data becomes authoritative)\n"
    "  secondary VOL                  demote\n"
    "  connect VOL [--discard-my-data]  (re)connect; after a split brain, on the node that loses\n"
    "  disconnect VOL                 go StandAlone\n"
    "  invalidate VOL                 discard this node's data: full resync from the peer\n"
    "  verify VOL                     online verify against the peer\n"
    "  resume-io VOL                  thaw I/O frozen by fencing without a fenced peer (logged)\n"
    "  outdate VOL                    mark this Secondary's disk Outdated (a fence-peer handler's job)\n"
    "  status [VOL] [--json]          roles, connection and disk states, sync progress\n"
    "  events [--json]                stream state changes, one line each (first: subscribed)\n"
    "  config check FILE              check drbd-lite's sections of cluster.yaml (no daemon needed)\n"
    "Options: --runtime-dir DIR (drbdlited's control socket is DIR/control.sock, default /run/drbd-lite),\n"
    "  --help (this help), --version (the version).\n";

std::string kib_text(std::uint64_t kib) { return std::to_string(kib) + " KiB"; }

void print_fencing(const json& v) {
  std::cout << "    fencing:" << v.value("fencing", "?");
  if (v.value("io_frozen", false)) std::cout << " io:FROZEN (writes held until fence-peer succeeds, or resume-io)";
  if (v.value("fencing_peer", false)) std::cout << " fence-peer:running";
  if (v.value("peer_fenced", false)) std::cout << " peer:fenced";
  if (v.value("promotion_pending", false)) std::cout << " promotion:pending-fence-peer";
  std::cout << "\n";
}

void print_status(const json& v) {
  std::cout << v.value("volume", "?");
  if (!v.value("up", false)) {
    std::cout << " unconfigured (down)\n";
    return;
  }
  std::cout << " role:" << v.value("role", "?") << "\n";
  std::cout << "  disk:" << v.value("disk", "?") << "\n";
  std::string conn = v.value("connection", "?");
  std::cout << "  " << v.value("peer", "peer") << " role:" << v.value("peer_role", "?") << " connection:" << conn << "\n";
  std::cout << "    peer-disk:" << v.value("peer_disk", "?");
  std::uint64_t total = v.value("sync_total_kib", 0ull), done = v.value("sync_done_kib", 0ull);
  if ((conn == "SyncSource" || conn == "SyncTarget" || conn == "VerifyS" || conn == "VerifyT") && total > 0) {
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.2f", 100.0 * static_cast<double>(done) / static_cast<double>(total));
    std::cout << " done:" << pct << " (" << done << "/" << total << " KiB, "
              << v.value("sync_rate_kib_per_s", 0ull) / 1024 << " MiB/s)";
  }
  std::cout << "\n";
  std::cout << "    out-of-sync:" << kib_text(v.value("out_of_sync_kib", 0ull)) << " protocol:" << v.value("protocol", "C")
            << "\n";
  print_fencing(v);
  if (v.contains("last_error")) std::cout << "    last-error: " << v["last_error"].get<std::string>() << "\n";
}

// `drbdlite config check FILE`: errors as file:line:column: key: message, exit 1; else
// "OK: FILE: N volumes" (hactl config validate runs it for the volumes: section).
int config_check(const std::vector<std::string>& words) {
  if (words.size() != 3 || words[1] != "check") {
    std::cerr << "usage: drbdlite config check FILE\n";
    return 2;
  }
  auto load = hamail::drbdlite::load_drbd_config(words[2]);
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  if (!load.config) return 1;
  std::cout << "OK: " << words[2] << ": " << load.config->volumes.size() << " volumes\n";
  return 0;
}

// `drbdlite events`: a first `subscribed` line once drbdlited has taken the subscription
// (what follows a command run after it is in the stream), then every state change until
// drbdlited closes the stream.
int follow_events(hamail::ControlClient& client, bool as_json) {
  std::cout << (as_json ? R"({"event":"subscribed"})" : "subscribed") << std::endl;
  hamail::Status st = client.stream([&](const json& ev) {
    if (as_json) {
      std::cout << ev.dump() << std::endl;
    } else {
      std::cout << ev.value("ts", "") << " " << ev.value("event", "?");
      for (auto& [k, val] : ev.items())
        if (k != "ts" && k != "event") std::cout << " " << k << ":" << (val.is_string() ? val.get<std::string>() : val.dump());
      std::cout << std::endl;
    }
    return true;
  });
  if (!st) {
    std::cerr << "drbdlite: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

// `primary` with fencing and the peer unreachable: the promotion waits for fence-peer (at
// most its handler_timeout: a failed fence-peer refuses the promotion, it is not retried).
int wait_for_promotion(hamail::ControlClient& client, const std::string& volume, json status) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (status.value("promotion_pending", false)) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::cerr << "drbdlite: " << volume << ": still waiting for fence-peer after 10 minutes\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto reply = client.call({{"cmd", "status"}, {"volume", volume}});
    if (!reply || !reply->value("ok", false) || (*reply)["volumes"].empty()) {
      std::cerr << "drbdlite: " << (reply ? reply->value("error", "status failed") : reply.error()) << "\n";
      return 1;
    }
    status = (*reply)["volumes"][0];
  }
  if (status.value("role", "") == "Primary") return 0;
  std::cerr << "drbdlite: " << status.value("last_error", volume + ": not promoted") << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string runtime_dir = "/run/drbd-lite";
  bool as_json = false, force = false, discard = false;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--runtime-dir" && i + 1 < args.size()) runtime_dir = args[++i];
    else if (a == "--json") as_json = true;
    else if (a == "--force") force = true;
    else if (a == "--discard-my-data") discard = true;
    else if (a == "-h" || a == "--help") { std::cout << kUsage; return 0; }
    else if (a == "--version") { std::cout << hamail::version_text("drbdlite"); return 0; }
    else if (!a.empty() && a[0] == '-') { std::cerr << "drbdlite: unknown option '" << a << "'\n" << kUsage; return 2; }
    else words.push_back(a);
  }
  if (words.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string cmd = words[0];
  if (cmd == "config") return config_check(words);
  static const std::vector<std::string> volume_cmds = {"create-md", "up", "down", "primary", "secondary", "connect",
                                                       "disconnect", "invalidate", "verify", "resume-io",
                                                       "outdate"};
  bool needs_volume = std::find(volume_cmds.begin(), volume_cmds.end(), cmd) != volume_cmds.end();
  if (!needs_volume && cmd != "status" && cmd != "events") {
    std::cerr << "drbdlite: unknown command '" << cmd << "'\n" << kUsage;
    return 2;
  }
  if (needs_volume && words.size() != 2) {
    std::cerr << "drbdlite: " << cmd << " needs exactly one volume name\n" << kUsage;
    return 2;
  }
  if ((force && cmd != "primary" && cmd != "create-md") || (discard && cmd != "connect")) {
    std::cerr << "drbdlite: option not valid for " << cmd << "\n";
    return 2;
  }
  auto client = hamail::ControlClient::connect({runtime_dir + "/control.sock", "drbdlited",
                                                 "start it, e.g. `drbdlited --config FILE`", ""});
  if (!client) {
    std::cerr << "drbdlite: " << client.error() << "\n";
    return 1;
  }
  json req = {{"cmd", cmd}};
  if (words.size() > 1) req["volume"] = words[1];
  if (force) req["force"] = true;
  if (discard) req["discard_my_data"] = true;
  auto reply = client->call(req);
  if (!reply) {
    std::cerr << "drbdlite: " << reply.error() << "\n";
    return 1;
  }
  if (!reply->value("ok", false)) {
    std::cerr << "drbdlite: " << reply->value("error", "failed") << "\n";
    return 1;
  }
  if (cmd == "status") {
    if (as_json) {
      std::cout << (*reply)["volumes"].dump(2) << "\n";
    } else {
      for (const auto& v : (*reply)["volumes"]) print_status(v);
    }
    return 0;
  }
  if (cmd == "events") return follow_events(*client, as_json);
  if (cmd == "primary") return wait_for_promotion(*client, words[1], (*reply)["status"]);
  return 0;
}
