// World: one simulator run (simulator.h). Two nodes (MemDisk + Replica), the TCP-like link
// between them, the cluster's fencing (world_cluster.cpp), the application model, simulated
// time and the one SeededRandom every choice is drawn from. Private to drbdlite_sim.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app_model.h"
#include "hamail/base/sim_trace.h"
#include "hamail/drbdlite/core/replica.h"
#include "hamail/drbdlite/sim/mem_disk.h"
#include "hamail/drbdlite/sim/seeded_random.h"
#include "hamail/drbdlite/sim/simulator.h"

namespace hamail::drbdlite::sim {

inline constexpr std::uint64_t kStepMs = 20;
inline constexpr std::uint64_t kAppBlocks = 48;  // the application writes in the first 192 KiB

struct SimNode {
  int index = 0;
  std::string name;
  ReplicaConfig cfg;
  std::unique_ptr<MemDisk> disk;
  std::unique_ptr<Replica> r;  // null while down
  bool up = false;
  std::uint64_t restart_at = 0;
  std::optional<CrashKind> armed;                    // a crash_during() not yet hit
  std::map<std::uint64_t, std::uint64_t> writes;     // request -> AppModel write id
  std::map<std::uint64_t, std::uint64_t> flushes;    // request -> AppModel flush token
  struct FenceRun {
    std::uint64_t id = 0, due_ms = 0;
    bool hangs = false;
  };
  std::vector<FenceRun> fence_runs;
  bool split_brain_logged = false;
};

// One TCP connection: frames in order per direction, each after a delay; held while the
// network is partitioned (retransmitted after), dropped at a power cut.
struct SimConn {
  bool open = false;
  std::uint64_t id = 0;
  struct Frame {
    std::uint64_t at = 0;
    std::string bytes;
  };
  std::array<std::deque<Frame>, 2> to;               // to[i]: frames for node i
  std::array<std::uint64_t, 2> last_at{};
  std::array<wire::FrameReader, 2> reader;
  std::array<bool, 2> closed{};                      // node i closed it: reads nothing more
  std::array<bool, 2> silent{};                      // node i died without a FIN (power cut)
};

class World {
 public:
  explicit World(const SimOptions& o);
  SimResult run();

 private:
  // world.cpp: set-up, the schedule, node life.
  void choose_scenario();
  void format(SimNode& n);
  bool boot(SimNode& n);
  void step_schedule();
  void advance();
  void random_action();
  void act_write(SimNode& p);
  void act_flush(SimNode& p);
  void act_read(SimNode& p);
  void act_promote(SimNode& n);
  void crash(SimNode& n, CrashKind kind, const std::string& why);
  void restart_due();
  SimNode* primary();
  // world_link.cpp: the link and the outboxes.
  Outbox outbox(SimNode& n);
  void absorb(SimNode& n, Outbox& out);
  void on_completed(SimNode& n, const AppCompletion& c);
  void on_event(SimNode& n, const ReplicaEvent& e);
  void send_frame(SimNode& from, std::string&& frame);
  void deliver_due();
  void close_conn_side(int i, const std::string& reason);
  void connect_if_due();
  void drop_conn(const std::string& why);
  void tick_all();
  // Runs f on the node's Replica (if up) and executes its outbox; a disk that crashed inside is the node's death.
  void call(SimNode& n, const std::function<void(Replica&, Outbox&)>& f);
  // world_cluster.cpp: handlers, fencing, invariants, the heal.
  void on_handler(SimNode& n, const HandlerRequest& h);
  void fence_runs_due();
  int fence(SimNode& requester, std::string& how);
  void check_invariants();
  void fail(const std::string& why);
  void heal();
  bool settled() const;
  void final_checks();
  void trace(const SimNode* n, const std::string& line);

  SimOptions opt_;
  SeededRandom rng_;
  SimResult result_;
  std::array<SimNode, 2> nodes_;
  SimConn conn_;
  AppModel model_;
  std::uint64_t now_ms_ = 1000;
  std::uint64_t next_request_ = 1, next_conn_ = 1;
  std::uint64_t connect_at_ = 0, partition_until_ = 0;
  bool healing_ = false;
  // Scenario, drawn from the seed.
  Fencing fencing_ = Fencing::resource_and_stonith;
  char protocol_ = 'C';
  SplitBrainPolicy policy_;
  bool disk_faults_ = false, io_errors_ = false;
  double fence_fail_p_ = 0.2, fence_hang_p_ = 0.05;
  // The cluster: node i may not be promoted (fenced by its peer) until unfenced.
  std::array<bool, 2> fenced_{};
  bool check_data_ = false;
  std::optional<std::string> survivor_view_;        // a discard decided during the heal: the survivor's data
  std::map<std::uint64_t, std::string> sb_decisions_[2];  // conn id -> each side's split-brain decision
  SimTrace trace_;
};

}  // namespace hamail::drbdlite::sim
