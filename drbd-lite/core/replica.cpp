// Replica: construction, operator commands, state changes and metadata persistence.
#include "hamail/drbdlite/core/replica.h"


namespace hamail::drbdlite {

Replica::Replica(ReplicaConfig cfg, LocalDisk& disk, meta::Superblock sb, meta::Bitmap bm, meta::ActivityLog al,
                 RandomId random_id, Outbox& out)
    : cfg_(std::move(cfg)), disk_(disk), sb_(sb), bm_(std::move(bm)), al_(std::move(al)),
      random_id_(std::move(random_id)) {
  HAMAIL_INVARIANT(bm_.data_bytes() == sb_.layout.data_bytes,
                   "the bitmap covers exactly the data area of the superblock it was read with");
  HAMAIL_INVARIANT(cfg_.verify_chunk_bytes > 0 && cfg_.verify_chunk_bytes <= wire::kMaxVerifyBytes,
                   "a verify request never asks the peer for more than it accepts");
  holds_primary_writes_ = sb_.has(meta::kFlagHoldsPrimaryWrites);
  // What this node booted from may sit only in the page cache (killed between a metadata
  // write and its fdatasync): made durable before any new metadata write. The superblock
  // alternates slots: a power cut tearing the next write must find the other slot whole
  // (the simulator's seed 358997: both slots torn, the node could not boot).
  Status durable = disk_.flush();
  if (!durable) fail_disk("flush at attach: " + durable.message(), out);
  if (sb_.has(meta::kFlagPrimaryUnclean)) {
    // Crashed while Primary: writes to active extents may not have reached the peer.
    crashed_primary_ = true;
    std::uint64_t before = bm_.count_set();
    al_.mark_active_extents_out_of_sync(bm_);
    event(out, "crashed-primary-recovery",
          {{"al_extents", std::to_string(al_.active_extents().size())},
           {"marked_kib", std::to_string((bm_.count_set() - before) * 4)}});
  }
  // Consistent without WasUpToDate: a whole data version, but maybe not the newest (the
  // peer was Primary when this node last wrote its superblock): promotable only by force.
  DiskState d = DiskState::inconsistent;
  if (sb_.has(meta::kFlagConsistent)) {
    d = sb_.has(meta::kFlagWasUpToDate) ? DiskState::uptodate : DiskState::consistent;
    if (sb_.has(meta::kFlagOutdated)) d = DiskState::outdated;
    if (sb_.gen.fresh()) d = DiskState::inconsistent;
  }
  set_disk(d, out);
  Status st = persist_bitmap();
  if (!st) fail_disk("bitmap write at attach: " + st.message(), out);
}

void Replica::event(Outbox& out, std::string name, std::vector<std::pair<std::string, std::string>> fields) {
  fields.insert(fields.begin(), {"volume", cfg_.volume});
  out.events.push_back(ReplicaEvent{std::move(name), std::move(fields)});
}

void Replica::set_role(Role r, Outbox& out) {
  if (r == role_) return;
  HAMAIL_INVARIANT(r != Role::primary || !hello_received_ || peer_role_ != Role::primary,
                   "never Primary while the connected peer is Primary");
  event(out, "role", {{"old", std::string(to_string(role_))}, {"new", std::string(to_string(r))}});
  role_ = r;
  if (hello_received_) send(wire::State{static_cast<std::uint8_t>(role_), static_cast<std::uint8_t>(disk_state_)}, out);
}

void Replica::set_conn(ConnState c, Outbox& out) {
  if (c == conn_) return;
  event(out, "conn", {{"old", std::string(to_string(conn_))}, {"new", std::string(to_string(c))}});
  conn_ = c;
  stop_fencing_on_reconnect(out);
  release_held_for_handshake(out);
}

void Replica::set_disk(DiskState d, Outbox& out) {
  if (d == disk_state_) return;
  event(out, "disk", {{"old", std::string(to_string(disk_state_))}, {"new", std::string(to_string(d))}});
  disk_state_ = d;
  if (hello_received_) send(wire::State{static_cast<std::uint8_t>(role_), static_cast<std::uint8_t>(disk_state_)}, out);
}

void Replica::set_peer(Role r, DiskState d, Outbox& out) {
  if (r != peer_role_)
    event(out, "peer-role", {{"old", std::string(to_string(peer_role_))}, {"new", std::string(to_string(r))}});
  if (d != peer_disk_)
    event(out, "peer-disk", {{"old", std::string(to_string(peer_disk_))}, {"new", std::string(to_string(d))}});
  const bool was_primary = peer_role_ == Role::primary;
  peer_role_ = r;
  peer_disk_ = d;
  if (was_primary != (r == Role::primary)) on_peer_primary_changed(was_primary, out);
}

// A Secondary whose peer is Primary can miss writes at any moment: its own power cut loses
// what its cache held, a lost link whatever the Primary writes next. So while the peer is
// Primary its superblock does not say WasUpToDate (a crash boots it Consistent), and when
// the link to a Primary is lost its disk becomes Consistent: promotable only with --force,
// by whoever knows the peer is down (DRBD's fencing). A peer that demoted cleanly first
// flushed every write it sent (its flush precedes its State on the link): the disk stays
// UpToDate and the superblock says so again.
void Replica::on_peer_primary_changed(bool was_primary, Outbox& out) {
  if (role_ == Role::primary) return;
  // A new Primary's writes can be lost in this node's cache: it no longer holds them all for sure.
  if (!was_primary) holds_primary_writes_ = false;
  if (was_primary && peer_role_ == Role::unknown && disk_state_ == DiskState::uptodate) {
    set_disk(DiskState::consistent, out);
    // Lost while up: its cache holds what it got from the Primary (every write the Primary
    // completed, with protocol C). Made durable now and recorded: promotable after fencing
    // the peer, and (protocol C) a crashed Primary's extents resync from here, also after this
    // node's own crash.
    if (Status st = disk_.flush(); !st) {
      fail_disk("flush: " + st.message(), out);
    } else {
      holds_primary_writes_ = true;
    }
    event(out, "peer-primary-lost",
          {{"disk", "Consistent"},
           {"hint", "the Primary may write on without this node: promote here only with --force, once the peer is "
                    "known to be down"}});
  }
  if (disk_state_ != DiskState::uptodate && disk_state_ != DiskState::consistent) return;
  if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
}

void Replica::send(const wire::Message& m, Outbox& out) { out.transmit(wire::encode(m)); }

void Replica::update_superblock_flags() {
  // The role is recorded whatever the disk: a Primary that demoted cleanly with a failed disk
  // (its flush and bitmap write succeeded) did not crash as Primary (sim seeds 2227, 2825:
  // both nodes booted "crashed as Primary" on the same data version, a split brain).
  sb_.set(meta::kFlagPrimaryUnclean, role_ == Role::primary);
  if (role_ == Role::primary) sb_.set(meta::kFlagWasPrimary, true);
  // A failed disk keeps what it last recorded about its data (its bitmap names what it missed),
  // but is not up to date any more: rebooted, it is Consistent at best and waits for its peer
  // (the simulator's seed 2223: it booted UpToDate and was promoted over its peer's writes).
  if (disk_state_ == DiskState::failed) {
    sb_.set(meta::kFlagWasUpToDate, false);
    return;
  }
  bool consistent = disk_state_ == DiskState::uptodate || disk_state_ == DiskState::outdated ||
                    disk_state_ == DiskState::consistent;
  const bool peer_primary = hello_received_ && peer_role_ == Role::primary && role_ != Role::primary;
  sb_.set(meta::kFlagConsistent, consistent);
  sb_.set(meta::kFlagWasUpToDate, disk_state_ == DiskState::uptodate && !peer_primary);
  sb_.set(meta::kFlagOutdated, disk_state_ == DiskState::outdated);
  sb_.set(meta::kFlagHoldsPrimaryWrites, holds_primary_writes_);
}

Status Replica::persist_superblock() {
  update_superblock_flags();
  sb_.seq += 1;
  return disk_.write_superblock(sb_);
}

// A SyncTarget clears a block's bit when its resync data is written: that data reaches the
// disk (flush) before a bitmap without the bit does, or a power cut could lose the data
// while the bitmap no longer names it (external metadata: the bitmap write flushes only
// the metadata device).
Status Replica::persist_bitmap() {
  std::vector<std::uint64_t> pages = bm_.dirty_pages();
  if (pages.empty()) return Status::ok();
  if (resync_unflushed_) {
    if (Status st = disk_.flush(); !st) return st;
    resync_unflushed_ = false;
  }
  Status st = disk_.write_bitmap_pages(bm_, pages);
  if (st) bm_.clear_dirty();
  return st;
}

void Replica::fail_disk(const std::string& what, Outbox& out) {
  last_error_ = "local disk failed: " + what;
  event(out, "disk-error", {{"error", what}});
  if (disk_state_ == DiskState::failed) return;
  set_disk(DiskState::failed, out);
  (void)persist_superblock();  // best effort: the disk is failing (see update_superblock_flags)
}

void Replica::refuse_peer(const std::string& reason, Outbox& out) {
  event(out, "connect-refused", {{"reason", reason}});
  send(wire::Refuse{reason}, out);
  out.drop_link = reason;
  set_conn(ConnState::standalone, out);
  link_down(reason, out);
  last_error_ = reason;
}

// Why this node may not be promoted now (ok: it may, perhaps after fencing the peer).
Status Replica::check_promotable(bool force) const {
  if (disk_state_ == DiskState::failed || disk_state_ == DiskState::diskless)
    return Error{cfg_.volume + ": cannot promote: local disk is " + std::string(to_string(disk_state_))};
  if (peer_role_ == Role::primary && hello_received_)
    return Error{cfg_.volume + ": cannot promote: the peer " + peer_node_ + " is Primary (two Primaries are never allowed)"};
  if (hello_received_ && peer_crashed_primary_)
    return Error{cfg_.volume + ": cannot promote: the peer " + peer_node_ +
                 " crashed as Primary and its activity-log extents are not resynced yet"};
  if (conn_ == ConnState::sync_target || plan_ == SyncPlan::target)
    return Error{cfg_.volume + ": cannot promote: resync from the peer is running (" +
                 std::to_string(bm_.out_of_sync_bytes() >> 10) + " KiB left)"};
  if (force) return Status::ok();
  if (disk_state_ == DiskState::outdated)
    return Error{cfg_.volume + ": cannot promote: local disk is Outdated: the peer fenced this node and may have "
                               "written since (use --force only to make this older data the authoritative copy)"};
  if (crashed_primary_ && cfg_.fencing != Fencing::dont_care && !hello_received_)
    return Error{cfg_.volume + ": cannot promote: this node crashed as Primary and has not met its peer since: writes "
                               "it acknowledged may survive only in the peer's copy (connect to the peer first, so "
                               "its activity-log extents are resynced, or promote the peer; --force to take this "
                               "copy as it is)"};
  if (disk_state_ == DiskState::consistent && cfg_.fencing != Fencing::dont_care && !holds_primary_writes_)
    return Error{cfg_.volume + ": cannot promote: local disk is Consistent and may lack writes its Primary "
                               "completed (this node crashed or restarted while the peer was Primary, and has not "
                               "been resynced since): connect to the peer first, or use --force once the peer's "
                               "copy is known lost"};
  if (disk_state_ == DiskState::consistent && (cfg_.fencing == Fencing::dont_care || hello_received_))
    return Error{cfg_.volume + ": cannot promote: local disk is Consistent, not UpToDate: the peer was Primary "
                               "when this node lost it and may have written since (use --force only once the peer "
                               "is known to be down or fenced)"};
  if (disk_state_ != DiskState::uptodate && disk_state_ != DiskState::consistent)
    return Error{cfg_.volume + ": cannot promote: local disk is " + std::string(to_string(disk_state_)) +
                 " (use --force to make this node's data the authoritative copy)"};
  return Status::ok();
}

Status Replica::promote(bool force, Outbox& out) {
  if (role_ == Role::primary) return Status::ok();
  if (promote_after_fence_) return Status::ok();  // already waiting for fence-peer
  if (Status st = check_promotable(force); !st) return st;
  // DRBD's rule with fencing: the peer's disk is unknown, so it could be promoted too (or be
  // Primary already): fence it first. Every time: having fenced it once proves nothing now (it
  // may have been resynced and promoted since, its news lost with the link: sim seed 1946);
  // the cluster answers at once for a peer it still holds fenced.
  if (!force && cfg_.fencing != Fencing::dont_care && !hello_received_) {
    promote_after_fence_ = true;
    event(out, "promotion-pending", {{"reason", "the peer is unreachable and not known to be fenced: fence-peer first"}});
    start_fence("promotion while the peer is unreachable", out);
    return Status::ok();
  }
  return promote_now(force, false, out);
}

// `peer_fenced`: fence-peer just reported the peer outdated, down or fenced: a Consistent disk
// (the survivor of a lost Primary) holds the newest data there is.
Status Replica::promote_now(bool force, bool peer_fenced, Outbox& out) {
  bool was_fresh = sb_.gen.fresh();
  const meta::GenerationIds before_gen = sb_.gen;
  if (peer_fenced && disk_state_ == DiskState::consistent) {
    event(out, "consistent-to-uptodate", {{"reason", "the peer is fenced: this copy is the newest"}});
    set_disk(DiskState::uptodate, out);
  }
  if (force && disk_state_ != DiskState::uptodate) {
    event(out, "forced-primary", {{"disk", std::string(to_string(disk_state_))}});
    sb_.gen.new_current(random_id_());
    sb_.set(meta::kFlagFullSyncPending, false);
    sb_.set(meta::kFlagDivergedAsPrimary, false);
    if (was_fresh || hello_received_) bm_.set_all();  // the peer must receive everything
    set_disk(DiskState::uptodate, out);
  } else if (!hello_received_ || peer_disk_ == DiskState::failed) {
    // Writes the peer will not see (unreachable, or its disk failed: seed 8250): start a new
    // data version the bitmap tracks from.
    if (sb_.gen.new_current(random_id_())) sb_.set(meta::kFlagDivergedAsPrimary, false);
  }
  holds_primary_writes_ = false;
  role_ = Role::primary;  // set before persisting: the superblock records PrimaryUnclean
  Status st = persist_superblock();
  if (!st) {
    role_ = Role::secondary;
    fail_disk("superblock write: " + st.message(), out);
    return Error{cfg_.volume + ": cannot promote: " + st.message()};
  }
  st = persist_bitmap();
  if (!st) fail_disk("bitmap write: " + st.message(), out);
  role_ = Role::secondary;
  set_role(Role::primary, out);
  if (!(sb_.gen == before_gen)) rehandshake_if_hello_sent(out);
  if (hello_received_ && force && was_fresh) {
    // Connected to a peer that has no data either: reconnect, so both sides decide
    // again from the new generation ids and this node becomes the full-sync source.
    link_down("forced primary: reconnecting to resync the peer", out);
    out.drop_link = "forced primary: reconnecting to resync the peer";
  }
  return Status::ok();
}

Status Replica::demote(Outbox& out) {
  if (role_ == Role::secondary) return Status::ok();
  std::size_t app_flushes = 0;
  for (const auto& [seq, request] : pending_flushes_) app_flushes += request.has_value();
  const std::size_t in_flight =
      pending_.size() + deferred_.size() + app_flushes + held_.size() + frozen_flushes_.size();
  if (in_flight > 0)
    return Error{cfg_.volume + ": cannot demote: " + std::to_string(in_flight) + " requests still in flight" +
                 (io_frozen_ ? " (I/O is frozen until the peer is fenced: `drbdlite resume-io` thaws it)" : "")};
  Status st = disk_.flush();
  if (!st) return Error{cfg_.volume + ": cannot demote: flush failed: " + st.message()};
  // Writes the peer acknowledged but has not yet made durable: once PrimaryUnclean is
  // cleared nothing else recalls them if this node crashes before the barrier below is
  // acknowledged and the peer loses power. The bitmap does (the simulator's seed 156).
  for (const auto& [seq, w] : unflushed_) mark_out_of_sync(w.offset, w.length);
  st = persist_bitmap();
  if (!st) return Error{cfg_.volume + ": cannot demote: bitmap write failed: " + st.message()};
  role_ = Role::secondary;
  st = persist_superblock();  // clears PrimaryUnclean: a clean demote
  if (!st) {
    role_ = Role::primary;
    return Error{cfg_.volume + ": cannot demote: superblock write failed: " + st.message()};
  }
  role_ = Role::primary;
  crashed_primary_ = false;
  // The peer flushes every write it got before it learns of the demotion (in order on the
  // link): a peer that saw this node demote holds all of them durably.
  if (replicating() && (!unflushed_.empty() || epoch_writes_ > 0)) send_barrier(std::nullopt, out);
  set_role(Role::secondary, out);
  // Frozen with nothing held (else refused above): a Secondary writes nothing its peer could
  // miss, so nothing is left to fence the peer for. Frozen, it retried fence-peer for ever and
  // never thawed, not even reconnected (the simulator's seeds 136252, 205111).
  fence_wanted_ = false;
  thaw("demoted with nothing held: nothing to fence the peer for", out);
  return Status::ok();
}

void Replica::connect(bool discard_my_data, Outbox& out) {
  discard_my_data_ = discard_my_data;
  if (conn_ == ConnState::standalone) {
    last_error_.clear();
    set_conn(ConnState::connecting, out);
  }
}

void Replica::disconnect(Outbox& out) {
  if (conn_ == ConnState::standalone) return;
  if (hello_sent_ || hello_received_) out.drop_link = "disconnected by the operator";
  link_down("disconnected by the operator", out);
  set_conn(ConnState::standalone, out);
}

Status Replica::invalidate(Outbox& out) {
  if (role_ == Role::primary) return Error{cfg_.volume + ": cannot invalidate a Primary: demote first"};
  if (conn_ != ConnState::connected && conn_ != ConnState::standalone && conn_ != ConnState::connecting)
    return Error{cfg_.volume + ": cannot invalidate during " + std::string(to_string(conn_))};
  // Throw this node's data away: the next connect fully resyncs it from the peer.
  sb_.gen.forget();
  sb_.set(meta::kFlagFullSyncPending, true);
  bm_.set_all();
  set_disk(DiskState::inconsistent, out);
  Status st = persist_superblock();
  if (!st) return Error{cfg_.volume + ": invalidate: superblock write failed: " + st.message()};
  event(out, "invalidated", {});
  if (hello_received_) {
    // Reconnect so both sides decide the (full) sync with the new generation ids.
    link_down("invalidated: reconnecting for a full resync", out);
    out.drop_link = "invalidated: reconnecting for a full resync";
  }
  return Status::ok();
}

Status Replica::shutdown(Outbox& out) {
  if (role_ == Role::primary) {
    Status st = demote(out);
    if (!st) return st;
  }
  if (hello_received_) link_down("volume going down", out);
  Status st = disk_.flush();
  if (st) st = persist_bitmap();
  if (st) st = persist_superblock();
  return st;
}

Status Replica::io_allowed() const {
  if (role_ != Role::primary)
    return Error{"volume " + cfg_.volume + " is " + std::string(to_string(role_)) + ": I/O refused (promote it first)"};
  if (disk_state_ == DiskState::failed) return Error{"volume " + cfg_.volume + ": local disk failed"};
  return Status::ok();
}

ReplicaStatus Replica::status() const {
  ReplicaStatus s;
  s.volume = cfg_.volume;
  s.role = role_;
  s.peer_role = hello_received_ ? peer_role_ : Role::unknown;
  s.conn = conn_;
  s.disk = disk_state_;
  s.peer_disk = hello_received_ ? peer_disk_ : DiskState::dunknown;
  s.protocol = cfg_.protocol;
  s.size_bytes = size();
  s.out_of_sync_bytes = bm_.out_of_sync_bytes();
  if (conn_ == ConnState::verify_s || conn_ == ConnState::verify_t) {
    s.sync_total_bytes = size();
    s.sync_done_bytes = verify_done_bytes_;
  } else {
    s.sync_total_bytes = rs_total_;
    s.sync_done_bytes = rs_done_;
  }
  std::uint64_t elapsed = now_ms_ > rs_start_ms_ ? now_ms_ - rs_start_ms_ : 0;
  if (elapsed > 0 && (conn_ == ConnState::sync_source || conn_ == ConnState::sync_target || conn_ == ConnState::verify_s))
    s.sync_rate_bytes_per_s = static_cast<double>(s.sync_done_bytes) * 1000.0 / static_cast<double>(elapsed);
  s.verify_mismatch_bytes = verify_mismatch_;
  s.writes_replicated = writes_replicated_;
  s.resync_blocks_sent = rs_blocks_sent_;
  s.resync_blocks_received = rs_blocks_received_;
  s.gen = sb_.gen;
  s.peer_node = peer_node_;
  s.last_error = last_error_;
  s.io_frozen = io_frozen_;
  s.fencing_peer = fence_run_.has_value() || fence_wanted_;
  s.peer_fenced = sb_.has(meta::kFlagPeerOutdated);
  s.promotion_pending = promote_after_fence_;
  return s;
}

}  // namespace hamail::drbdlite
