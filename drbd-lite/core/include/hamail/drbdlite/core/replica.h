// Replica: the sans-IO state machine of one volume on one node. It takes events
// (operator commands, application I/O, link up/down, peer messages, clock ticks) and
// produces an Outbox (frames for the peer, sent at once through its sink; completed
// application requests; state-change events). Local disk I/O goes through LocalDisk,
// synchronously and in order.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hamail/drbdlite/core/local_disk.h"
#include "hamail/drbdlite/core/policy.h"
#include "hamail/drbdlite/core/states.h"
#include "hamail/drbdlite/core/wire.h"
#include "hamail/base/invariant.h"
#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/activity_log.h"
#include "hamail/drbdlite/meta/bitmap.h"
#include "hamail/drbdlite/meta/generation.h"
#include "hamail/drbdlite/meta/superblock.h"

namespace hamail::drbdlite {

struct ReplicaConfig {
  std::string volume;
  std::string node;
  char protocol = 'C';                                 // A: ack when sent, B: when received, C: when on both disks
  std::uint64_t resync_rate_bytes = 100ull << 20;      // per second
  std::uint32_t resync_chunk_bytes = 128u << 10;       // one rs_data message at most
  std::uint32_t resync_window_bytes = 4u << 20;        // resync bytes in flight
  // While the application writes or flushes (within app_io_recent_ms), fewer: its frames
  // queue behind the resync data on the link (4 MiB made its writes wait 12 ms in the lab).
  std::uint32_t resync_window_under_io_bytes = 256u << 10;
  std::uint64_t app_io_recent_ms = 200;
  std::uint32_t verify_chunk_bytes = 256u << 10;
  std::uint32_t verify_window = 8;                     // verify requests in flight
  std::uint32_t max_pending_writes = 1024;             // replicated writes awaiting the peer's write_ack
  // Protocol C makes a write complete once it is in both disks' (volatile) caches; the peer
  // makes it durable at the next flush. The Primary keeps each write it may still lose there
  // until a flush ack covers it, and closes an epoch with a flush of its own (a barrier)
  // every max_epoch_writes writes, or at once when a write waits on those it keeps.
  std::uint32_t max_epoch_writes = 1024;
  std::uint32_t max_unflushed_writes = 4096;           // replicated writes not yet durable on the peer (acked or not)
  // Application writes waiting for an activity-log slot or for the peer: past either bound a
  // write is refused (the NBD server's own admission bounds, 16 x 64 requests of at most
  // 64 MiB data in flight, keep a daemon below them).
  std::uint32_t max_deferred_writes = 65536;
  std::uint64_t max_deferred_bytes = 1ull << 30;
  std::uint64_t ping_interval_ms = 1000;
  std::uint64_t peer_timeout_ms = 6000;                // no frame from the peer this long: drop the link
  // cluster.yaml's default is resource-and-stonith; dont-care here keeps a bare core (tests) as before.
  Fencing fencing = Fencing::dont_care;
  SplitBrainPolicy split_brain;
  std::uint64_t fence_retry_first_ms = 1000;           // a failed fence-peer is run again after this,
  std::uint64_t fence_retry_max_ms = 30000;            // doubling up to this
};

// A state change or notable fact, for the log and `drbdlite events`.
struct ReplicaEvent {
  std::string name;                                    // e.g. "role", "conn", "disk", "peer-disk", "split-brain"
  std::vector<std::pair<std::string, std::string>> fields;
};

struct AppCompletion {
  std::uint64_t request = 0;
  Status status;
};

// What one call into the Replica produces. Frames for the peer leave through `transmit`
// at once, before the core goes on with (slow) local disk I/O, so the peer works in
// parallel: the daemon sends them over the link, the tests queue them for the peer's
// FrameReader. There is no other way out, so tests see the order production sends.
struct Outbox {
  using Transmit = std::function<void(std::string&& frame)>;
  explicit Outbox(Transmit sink) : transmit(std::move(sink)) {
    HAMAIL_INVARIANT(static_cast<bool>(transmit), "an Outbox needs a transmit sink for the peer's frames");
  }
  Transmit transmit;
  std::vector<AppCompletion> completed;
  std::vector<ReplicaEvent> events;
  std::optional<std::string> drop_link;                // close the link, with the reason
  std::vector<HandlerRequest> handlers;                // run these (fence-peer reports back: Replica::fence_peer_done)
};

struct ReplicaStatus {
  std::string volume;
  Role role = Role::secondary;
  Role peer_role = Role::unknown;
  ConnState conn = ConnState::standalone;
  DiskState disk = DiskState::diskless;
  DiskState peer_disk = DiskState::dunknown;
  char protocol = 'C';
  std::uint64_t size_bytes = 0;
  std::uint64_t out_of_sync_bytes = 0;
  std::uint64_t sync_total_bytes = 0;                  // this resync's (or verify's) total
  std::uint64_t sync_done_bytes = 0;
  double sync_rate_bytes_per_s = 0;
  std::uint64_t verify_mismatch_bytes = 0;
  std::uint64_t writes_replicated = 0;
  std::uint64_t resync_blocks_sent = 0;                // 4 KiB blocks sent or received by resync, since start
  std::uint64_t resync_blocks_received = 0;
  meta::GenerationIds gen;
  std::string peer_node;
  std::string last_error;
  bool io_frozen = false;                              // application I/O held until the peer is fenced
  bool fencing_peer = false;                           // fence-peer running or to be retried
  bool peer_fenced = false;                            // this node fenced the peer (not yet unfenced)
  bool promotion_pending = false;                      // promotion waits for fence-peer
};

class Replica {
 public:
  using RandomId = std::function<std::uint64_t()>;

  // Attaches to metadata already read and validated by the caller. A superblock still
  // flagged PrimaryUnclean means this node crashed while Primary: its activity-log
  // extents are marked out of sync (pass the recovered AL in `al`).
  Replica(ReplicaConfig cfg, LocalDisk& disk, meta::Superblock sb, meta::Bitmap bm, meta::ActivityLog al,
          RandomId random_id, Outbox& out);

  // Operator commands. With fencing, promoting while the peer is unreachable (and not known
  // fenced) first runs fence-peer: promote() returns OK with promotion_pending() and the role
  // changes (or a `promotion-refused` event says why not) when fence_peer_done() reports.
  Status promote(bool force, Outbox& out);
  Status demote(Outbox& out);
  void connect(bool discard_my_data, Outbox& out);
  void disconnect(Outbox& out);
  Status invalidate(Outbox& out);
  Status start_verify(Outbox& out);
  // Clean shutdown (`down`): persists the bitmap and the superblock.
  Status shutdown(Outbox& out);
  // The peer fenced this node (its fence-peer, through the cluster): the disk becomes Outdated,
  // persistently, and refuses promotion without --force until a resync makes it UpToDate.
  Status outdate(Outbox& out);
  // Thaw frozen I/O by hand (`drbdlite resume-io`): logged, stops the fence-peer retries.
  Status resume_io(Outbox& out);

  // Handlers: the fence-peer run `id` (from Outbox::handlers) ended.
  void fence_peer_done(std::uint64_t id, const HandlerResult& result, Outbox& out);

  // Transport.
  void link_up(Outbox& out);
  void link_down(const std::string& reason, Outbox& out);
  void receive(wire::Message m, Outbox& out);
  void tick(std::uint64_t now_ms, Outbox& out);

  // Application I/O (the NBD export). Reads are local; writes replicate.
  Status io_allowed() const;
  Result<std::string> app_read(std::uint64_t offset, std::uint32_t length);
  void app_write(std::uint64_t request, std::uint64_t offset, std::string data, bool fua, Outbox& out);
  void app_flush(std::uint64_t request, Outbox& out);
  void app_discard(std::uint64_t request, std::uint64_t offset, std::uint32_t length, bool zeroes, bool fua,
                   Outbox& out);

  ReplicaStatus status() const;
  bool wants_link() const { return conn_ != ConnState::standalone; }
  bool link_established() const { return hello_received_; }
  Role role() const { return role_; }
  bool io_frozen() const { return io_frozen_; }
  bool promotion_pending() const { return promote_after_fence_; }
  ConnState conn() const { return conn_; }
  DiskState disk() const { return disk_state_; }
  const meta::Bitmap& bitmap() const { return bm_; }
  std::uint64_t size() const { return sb_.layout.data_bytes; }

 private:
  struct PendingWrite {
    std::uint64_t request = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    bool app_done = false;
    bool fua = false;                                  // durable on the peer once it acks
    std::uint64_t sent_ms = 0;
  };
  struct DeferredWrite {
    std::uint64_t request = 0;
    std::uint64_t offset = 0;
    std::string data;
    std::uint32_t discard_length = 0;                  // > 0: a discard
    bool zeroes = false;
    bool fua = false;
  };

  void set_role(Role r, Outbox& out);
  void set_conn(ConnState c, Outbox& out);
  void set_disk(DiskState d, Outbox& out);
  void set_peer(Role r, DiskState d, Outbox& out);
  void on_peer_primary_changed(bool was_primary, Outbox& out);
  void send(const wire::Message& m, Outbox& out);
  void event(Outbox& out, std::string name, std::vector<std::pair<std::string, std::string>> fields);
  Status persist_superblock();
  Status persist_bitmap();
  void fail_disk(const std::string& what, Outbox& out);
  void refuse_peer(const std::string& reason, Outbox& out);
  void send_hello(Outbox& out);
  void update_superblock_flags();
  Status check_promotable(bool force) const;
  Status promote_now(bool force, bool peer_fenced, Outbox& out);

  // Fencing (replica_fencing.cpp).
  bool fence_on_link_loss(Outbox& out);
  void start_fence(const std::string& why, Outbox& out);
  void retry_fence_if_due(Outbox& out);
  void report(AppCompletion c, Outbox& out);  // held while I/O is frozen
  void thaw(const std::string& why, Outbox& out);
  void stop_fencing_on_reconnect(Outbox& out);
  void on_peer_uptodate(Outbox& out);
  void run_handler(Handler h, Outbox& out);
  void start_diverged_version(Outbox& out);  // a Primary without its peer: a new data version
  void rehandshake_if_hello_sent(Outbox& out);
  meta::SyncDecision on_split_brain(const meta::SyncDecision& d, const wire::Hello& h, Outbox& out);

  // Writes.
  bool replicating() const;
  Status admit(std::uint64_t request, std::uint64_t bytes);
  enum class Defer { behind_others, on_acks, on_unflushed, frozen, handshake };
  bool held_for_handshake() const;
  void mark_out_of_sync(std::uint64_t offset, std::uint64_t length);
  void release_held_for_handshake(Outbox& out);
  void defer(DeferredWrite w, Defer why, Outbox& out);
  void submit_write(DeferredWrite w, Outbox& out);
  Status write_al_transaction(const meta::ActivityLog::Begin& begin);
  void complete_app_write(std::uint64_t request, std::uint64_t offset, std::uint64_t length, bool peer_wrote,
                          Outbox& out);
  bool bitmap_covers(std::uint64_t offset, std::uint64_t length) const;
  void drain_deferred(Outbox& out);
  std::uint64_t send_barrier(std::optional<std::uint64_t> request, Outbox& out);
  void settle_unflushed(std::uint64_t before_seq, bool durable_on_peer);
  void on_peer_write(wire::Write& w, Outbox& out);
  void on_peer_discard(const wire::Discard& d, Outbox& out);
  void on_peer_flush(const wire::Flush& f, Outbox& out);
  void on_write_ack(const wire::WriteAck& a, Outbox& out);
  void on_recv_ack(const wire::RecvAck& a, Outbox& out);
  void on_flush_ack(const wire::FlushAck& a, Outbox& out);
  void abandon_in_flight(Outbox& out);

  // Connect, resync, verify.
  void dispatch(wire::Message& m, Outbox& out);
  void on_hello(const wire::Hello& h, Outbox& out);
  bool hello_acceptable(const wire::Hello& h, Outbox& out);
  bool apply_sync_decision(const meta::SyncDecision& d, Outbox& out);
  meta::SyncDecision never_from_unusable_disk(const meta::SyncDecision& d) const;
  meta::SyncDecision crashed_primary_from_holder(const meta::SyncDecision& d, std::uint32_t peer_flags) const;
  void on_peer_state(const wire::State& s, Outbox& out);
  void send_bitmap(Outbox& out);
  void on_bitmap_chunk(const wire::BitmapChunk& c, Outbox& out);
  void on_bitmap_done(Outbox& out);
  void break_same_version_tie(Outbox& out);
  void begin_resync(Outbox& out);
  void discard_local_version();
  void pump_resync(Outbox& out);
  Status record_unmarked_resync_blocks(std::uint64_t offset, std::uint64_t length);
  void on_rs_data(wire::RsData& d, Outbox& out);
  void on_rs_ack(const wire::RsAck& a, Outbox& out);
  void finish_resync_source(Outbox& out);
  void on_rs_done(const wire::RsDone& d, Outbox& out);
  void pump_verify(Outbox& out);
  void on_verify_req(const wire::VerifyReq& r, Outbox& out);
  void on_verify_reply(const wire::VerifyReply& r, Outbox& out);
  void on_verify_done(Outbox& out);
  void finish_verify(Outbox& out);

  ReplicaConfig cfg_;
  LocalDisk& disk_;
  meta::Superblock sb_;
  meta::Bitmap bm_;
  meta::ActivityLog al_;
  RandomId random_id_;

  Role role_ = Role::secondary;
  ConnState conn_ = ConnState::standalone;
  DiskState disk_state_ = DiskState::attaching;
  Role peer_role_ = Role::unknown;
  DiskState peer_disk_ = DiskState::dunknown;
  std::string peer_node_;
  meta::GenerationIds peer_gen_;
  bool peer_crashed_primary_ = false;
  bool discard_my_data_ = false;                       // for the next connection's decision only
  bool discarding_ = false;                            // this connection resolved a split brain against us
  bool crashed_primary_ = false;                       // this node crashed while Primary (AL extents marked)
  bool holds_primary_writes_ = false;                  // kFlagHoldsPrimaryWrites: lost its Primary while up, flushed
  bool hello_sent_ = false;
  bool hello_received_ = false;
  // Both sides' role and disk as the two hellos said: what both decide a resync's direction with.
  Role hello_role_ = Role::unknown, peer_hello_role_ = Role::unknown;
  DiskState hello_disk_ = DiskState::dunknown, peer_hello_disk_ = DiskState::dunknown;
  std::uint32_t hello_flags_ = 0;
  std::uint64_t hello_changed_blocks_ = 0;             // what this node's hello said (the split-brain facts)
  bool hello_diverged_as_primary_ = false;
  std::string last_error_;

  // Replication of application writes.
  std::uint64_t next_seq_ = 1;
  std::map<std::uint64_t, PendingWrite> pending_;      // by seq, awaiting the peer's write_ack
  std::map<std::uint64_t, PendingWrite> unflushed_;    // by seq, acked, in the peer's cache: awaiting a flush ack
  std::map<std::uint64_t, std::optional<std::uint64_t>> pending_flushes_;  // flush seq -> request (none: a barrier)
  std::uint32_t epoch_writes_ = 0;                     // writes sent since the last flush sent to the peer
  std::deque<DeferredWrite> deferred_;                 // waiting for an AL slot or for the peer
  std::uint64_t deferred_bytes_ = 0;
  bool unflushed_writes_ = false;                      // local writes since the last local flush
  std::uint64_t writes_replicated_ = 0;

  // Bitmap exchange and resync.
  enum class SyncPlan { none, source, target };
  SyncPlan plan_ = SyncPlan::none;
  std::vector<std::uint8_t> peer_bitmap_bytes_;
  bool bitmap_sent_ = false;
  bool peer_bitmap_done_ = false;
  bool resync_unflushed_ = false;                      // SyncTarget: resync data written since the last flush
  std::uint64_t rs_cursor_ = 0;                        // next block to look at
  std::map<std::uint64_t, std::uint64_t> rs_in_flight_;  // offset -> length
  std::set<std::uint64_t> rs_stale_;                   // in flight, but marked out of sync since: the ack keeps the bits
  std::uint64_t rs_in_flight_bytes_ = 0;
  std::uint64_t rs_total_ = 0, rs_done_ = 0, rs_start_ms_ = 0;
  double rs_tokens_ = 0;
  std::uint64_t rs_blocks_sent_ = 0, rs_blocks_received_ = 0;

  // Verify.
  std::uint64_t verify_cursor_ = 0;
  std::map<std::uint64_t, std::uint32_t> verify_in_flight_;  // offset -> length, requests sent
  std::uint64_t verify_done_bytes_ = 0, verify_mismatch_ = 0;

  // Fencing.
  bool io_frozen_ = false;
  bool fence_wanted_ = false;                          // the peer must be fenced (link lost as Primary)
  bool promote_after_fence_ = false;
  std::optional<std::uint64_t> fence_run_;             // the fence-peer run in flight
  std::uint32_t fence_failures_ = 0;
  std::uint64_t fence_retry_at_ms_ = 0;
  std::uint64_t next_handler_id_ = 1;
  std::vector<AppCompletion> held_;                    // completions held while frozen
  std::vector<std::uint64_t> frozen_flushes_;          // application flushes that arrived while frozen

  // Clock.
  std::uint64_t now_ms_ = 0;
  std::uint64_t last_tick_ms_ = 0;
  std::uint64_t last_rx_ms_ = 0;
  std::uint64_t last_ping_ms_ = 0;
  std::optional<std::uint64_t> last_app_io_ms_;        // the application's last write or flush
};

}  // namespace hamail::drbdlite
