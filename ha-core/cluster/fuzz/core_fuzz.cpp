// Fuzz target: a ClusterCore (node1 of a two-node cluster, both in the group) fed a
// sequence of messages, one per input line: the first byte picks the sender (even:
// node2, odd: node1), the rest are the bytes CPG delivered. What the core multicasts
// comes back to it (as CPG loops it back), its probes and agent actions succeed. Nothing
// may crash or trip a sanitizer or one of the core's HAMAIL_INVARIANTs; the work per input
// is bounded.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "hamail/hacore/cluster/cluster_core.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "two_node_config.h"

namespace {

using namespace hamail;

const config::ClusterConfig& two_nodes() {
  static const config::ClusterConfig cfg = [] {
    auto load = config::parse_cluster_config(cluster::testing_config::kTwoNodeConfig, "fuzz.yaml");
    if (!load.config) std::abort();
    return *load.config;
  }();
  return cfg;
}

struct World {
  cluster::ClusterCore core{two_nodes(), "node1"};
  cluster::Now now{1'000'000, 1'700'000'000'000};
  std::deque<std::string> loopback;
  int budget = 2000;  // effects handled per input: bounded work

  void handle(cluster::Effects& fx) {
    for (const auto& m : fx.broadcast) loopback.push_back(cluster::protocol::encode(m));
    for (const auto& r : fx.probes) {
      if (--budget < 0) return;
      cluster::Effects out;
      core.on_probe_result(r, 7, "not running", now, out);
      handle(out);
    }
    for (const auto& a : fx.run) {
      if (--budget < 0) return;
      cluster::Effects out;
      core.on_action_result(a, cluster::AgentOutcome{true, 0, "", 1}, now, out);
      handle(out);
    }
  }
  void drain() {
    while (!loopback.empty() && --budget >= 0) {
      std::string m = std::move(loopback.front());
      loopback.pop_front();
      cluster::Effects fx;
      core.on_message("node1", m, now, fx);
      handle(fx);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World w;
  cluster::Effects fx;
  w.core.on_quorum(true, w.now, fx);
  w.core.on_group_membership({"node1", "node2"}, w.now, fx);
  w.handle(fx);
  w.drain();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty() && w.budget > 0) {
    std::size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    if (line.empty()) continue;
    const std::string sender = (static_cast<unsigned char>(line[0]) % 2) ? "node1" : "node2";
    w.now.mono_ms += 250;
    w.now.wall_ms += 250;
    cluster::Effects in;
    w.core.on_message(sender, line.substr(1), w.now, in);
    w.handle(in);
    cluster::Effects t;
    w.core.tick(w.now, t);
    w.handle(t);
    w.drain();
  }
  return 0;
}
