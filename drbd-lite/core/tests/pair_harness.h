// Pair: the core tests' fixture. Two Replicas on sim::MemDisks joined by an in-memory link
// that carries encoded frames from each Outbox sink to the peer's FrameReader, in send order;
// nodes crash and boot again from what their disk kept. No sockets, no threads, a fake clock.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "hamail/drbdlite/core/replica.h"
#include "hamail/drbdlite/sim/mem_disk.h"

namespace hamail::drbdlite {

struct Node {
  std::string name;
  std::unique_ptr<sim::MemDisk> disk;
  std::unique_ptr<Replica> r;             // null while the node is down
  bool up = false;
  std::uint64_t next_id = 0;              // its "random" generation ids
  std::map<std::uint64_t, Status> done;   // completed application requests
  std::vector<ReplicaEvent> events;
  std::vector<HandlerRequest> handlers;   // handler runs it asked for
  ReplicaConfig cfg;                      // what it boots with (volume and node are set by boot)
  std::vector<std::string> boot_problems; // what attach reported at the last boot
  wire::FrameReader reader;               // frames in flight to this node, as over TCP
  bool closed_link = false;               // it dropped the link: reads nothing more; its last frames still go

  bool has_event(const std::string& name) const;
  // An event of that name among those after the first `from` (events.size() taken before).
  bool has_event_since(std::size_t from, const std::string& name) const;
  // The last event of that name (fails the test when there is none).
  const ReplicaEvent& last_event(const std::string& name) const;
  std::string field(const std::string& event, const std::string& key) const;
  // The id of the last fence-peer run it asked for (0: none).
  std::uint64_t last_fence_run() const;
};

class Pair : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kLower = 16ull << 20;  // 4 AL extents: room for every scenario, fast

  void SetUp() override;

  // A fresh disk (as after create-md) with these options, and a boot from it.
  void format(Node& n, sim::MemDiskOptions opts = {});
  // Attaches from what the disk holds: at start and after a crash. With `cfg`, the node keeps it.
  void boot(Node& n, std::optional<ReplicaConfig> cfg = std::nullopt);
  // The node's machine loses power / its process is killed; the peer sees the link drop.
  void crash(Node& n, sim::CrashKind kind);
  // Boots a crashed node again and asks it to connect.
  void restart(Node& n);

  Node& peer_of(Node& n) { return &n == &a_ ? b_ : a_; }
  Outbox outbox(Node& n);
  void absorb(Node& n, Outbox& out);
  bool deliver_one(Node& n);
  bool in_flight() const { return a_.reader.buffered() > 0 || b_.reader.buffered() > 0; }

  void link();
  void cut();
  // Delivers frames (and clock ticks) until nothing moves.
  void run(int max_rounds = 100000);
  // Delivers frames one at a time (ticking the clock when none is queued) until `done()`
  // holds; fails the test if nothing is left to deliver first.
  template <class F>
  void run_until(F done, int max_steps = 100000) {
    for (int i = 0; i < max_steps && !done(); ++i) {
      if (!deliver_one(a_) && !deliver_one(b_)) tick_both();
    }
    ASSERT_TRUE(done()) << "the condition never held";
  }
  void tick_both();

  template <class F>
  void cmd(Node& n, F f) {
    ASSERT_TRUE(n.up) << n.name << " is down";
    Outbox out = outbox(n);
    f(*n.r, out);
    absorb(n, out);
  }
  Status command(Node& n, Status (Replica::*op)(Outbox&));
  Status promote(Node& n, bool force = false);
  void connect(Node& n, bool discard_my_data = false);
  // One application write, run until it completes.
  Status write(Node& n, std::uint64_t off, const std::string& data, bool fua = false);
  Status flush(Node& n);
  // Starts an application write / flush without running the link; its request id.
  std::uint64_t start_write(Node& n, std::uint64_t off, const std::string& data);
  std::uint64_t start_flush(Node& n);
  // Reports the node's last fence-peer run ended with `exit_code`.
  void fence_answer(Node& n, int exit_code, bool timed_out = false);
  // Both disks fresh -> connected -> node1 forced Primary -> full sync -> both UpToDate.
  void make_primary_synced();
  // Both nodes booted with fencing `f`, then make_primary_synced() and one write (block 0, 'a').
  void synced_with(drbdlite::Fencing f);

  meta::MetadataLayout layout_;
  Node a_, b_;
  bool linked_ = false;
  std::uint64_t now_ = 1000;
  std::uint64_t req_ = 0;
  std::uint64_t frames_sent_ = 0;
};

// Distinct bytes for a write (`seed` tells writes apart).
std::string pattern(std::size_t n, char seed);
// A disk that loses every unflushed write at a power cut: the worst a real one does.
sim::MemDiskOptions lossy();

}  // namespace hamail::drbdlite
