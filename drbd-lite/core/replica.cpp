// Replica: construction, operator commands, state changes and metadata persistence.
#include "hamail/drbdlite/core/replica.h"


namespace hamail::drbdlite {

Replica::Replica(ReplicaConfig cfg, LocalDisk& disk, meta::Superblock sb, meta::Bitmap bm, meta::ActivityLog al,
                 RandomId random_id, Outbox& out)
    : cfg_(std::move(cfg)), disk_(disk), sb_(sb), bm_(std::move(bm)), al_(std::move(al)),
      random_id_(std::move(random_id)) {
  HAMAIL_INVARIANT(bm_.data_bytes() == sb_.layout.data_bytes,
                   "the bitmap covers exactly the data area of the superblock it was read with");
  if (sb_.has(meta::kFlagPrimaryUnclean)) {
    // Crashed while Primary: writes to active extents may not have reached the peer.
    crashed_primary_ = true;
    std::uint64_t before = bm_.count_set();
    al_.mark_active_extents_out_of_sync(bm_);
    event(out, "crashed-primary-recovery",
          {{"al_extents", std::to_string(al_.active_extents().size())},
           {"marked_kib", std::to_string((bm_.count_set() - before) * 4)}});
  }
  DiskState d = DiskState::inconsistent;
  if (sb_.has(meta::kFlagConsistent)) {
    d = sb_.has(meta::kFlagWasUpToDate) ? DiskState::uptodate : DiskState::outdated;
    if (sb_.gen.fresh()) d = DiskState::inconsistent;
  }
  set_disk(d, out);
  Status st = persist_bitmap(true);
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
  peer_role_ = r;
  peer_disk_ = d;
}

void Replica::send(const wire::Message& m, Outbox& out) { out.transmit(wire::encode(m)); }

void Replica::update_superblock_flags() {
  bool consistent = disk_state_ == DiskState::uptodate || disk_state_ == DiskState::outdated ||
                    disk_state_ == DiskState::consistent;
  sb_.set(meta::kFlagConsistent, consistent);
  sb_.set(meta::kFlagWasUpToDate, disk_state_ == DiskState::uptodate);
  sb_.set(meta::kFlagPrimaryUnclean, role_ == Role::primary);
  if (role_ == Role::primary) sb_.set(meta::kFlagWasPrimary, true);
}

Status Replica::persist_superblock() {
  update_superblock_flags();
  sb_.seq += 1;
  return disk_.write_superblock(sb_);
}

Status Replica::persist_bitmap(bool all_dirty) {
  std::vector<std::uint64_t> pages = bm_.dirty_pages();
  (void)all_dirty;
  if (pages.empty()) return Status::ok();
  Status st = disk_.write_bitmap_pages(bm_, pages);
  if (st) bm_.clear_dirty();
  return st;
}

void Replica::fail_disk(const std::string& what, Outbox& out) {
  last_error_ = "local disk failed: " + what;
  event(out, "disk-error", {{"error", what}});
  set_disk(DiskState::failed, out);
}

void Replica::refuse_peer(const std::string& reason, Outbox& out) {
  last_error_ = reason;
  event(out, "connect-refused", {{"reason", reason}});
  send(wire::Refuse{reason}, out);
  out.drop_link = reason;
  abandon_in_flight(out);
  hello_sent_ = hello_received_ = false;
  plan_ = SyncPlan::none;
  set_peer(Role::unknown, DiskState::dunknown, out);
  set_conn(ConnState::standalone, out);
}

Status Replica::promote(bool force, Outbox& out) {
  if (role_ == Role::primary) return Status::ok();
  if (disk_state_ == DiskState::failed || disk_state_ == DiskState::diskless)
    return Error{cfg_.volume + ": cannot promote: local disk is " + std::string(to_string(disk_state_))};
  if (peer_role_ == Role::primary && hello_received_)
    return Error{cfg_.volume + ": cannot promote: the peer " + peer_node_ + " is Primary (two Primaries are never allowed)"};
  if (conn_ == ConnState::sync_target)
    return Error{cfg_.volume + ": cannot promote: resync from the peer is running (" +
                 std::to_string(bm_.out_of_sync_bytes() >> 10) + " KiB left)"};
  if (disk_state_ != DiskState::uptodate && !force)
    return Error{cfg_.volume + ": cannot promote: local disk is " + std::string(to_string(disk_state_)) +
                 " (use --force to make this node's data the authoritative copy)"};
  bool was_fresh = sb_.gen.fresh();
  if (force && disk_state_ != DiskState::uptodate) {
    event(out, "forced-primary", {{"disk", std::string(to_string(disk_state_))}});
    sb_.gen.new_current(random_id_());
    sb_.set(meta::kFlagFullSyncPending, false);
    if (was_fresh || hello_received_) bm_.set_all();  // the peer must receive everything
    set_disk(DiskState::uptodate, out);
  } else if (!hello_received_) {
    // Writes the peer will not see: start a new data version the bitmap tracks from.
    sb_.gen.new_current(random_id_());
  }
  role_ = Role::primary;  // set before persisting: the superblock records PrimaryUnclean
  Status st = persist_superblock();
  if (!st) {
    role_ = Role::secondary;
    fail_disk("superblock write: " + st.message(), out);
    return Error{cfg_.volume + ": cannot promote: " + st.message()};
  }
  st = persist_bitmap(true);
  if (!st) fail_disk("bitmap write: " + st.message(), out);
  role_ = Role::secondary;
  set_role(Role::primary, out);
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
  if (!pending_.empty() || !deferred_.empty() || !pending_flushes_.empty())
    return Error{cfg_.volume + ": cannot demote: " + std::to_string(pending_.size() + deferred_.size()) +
                 " writes still in flight"};
  Status st = disk_.flush();
  if (!st) return Error{cfg_.volume + ": cannot demote: flush failed: " + st.message()};
  st = persist_bitmap(true);
  if (!st) return Error{cfg_.volume + ": cannot demote: bitmap write failed: " + st.message()};
  role_ = Role::secondary;
  st = persist_superblock();  // clears PrimaryUnclean: a clean demote
  if (!st) {
    role_ = Role::primary;
    return Error{cfg_.volume + ": cannot demote: superblock write failed: " + st.message()};
  }
  role_ = Role::primary;
  crashed_primary_ = false;
  set_role(Role::secondary, out);
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

Status Replica::start_verify(Outbox& out) {
  if (conn_ != ConnState::connected)
    return Error{cfg_.volume + ": cannot verify: the link is " + std::string(to_string(conn_)) + " (need Connected)"};
  if (disk_state_ != DiskState::uptodate || peer_disk_ != DiskState::uptodate)
    return Error{cfg_.volume + ": cannot verify: both disks must be UpToDate"};
  verify_cursor_ = 0;
  verify_in_flight_ = 0;
  verify_done_bytes_ = 0;
  verify_mismatch_ = 0;
  rs_start_ms_ = now_ms_;
  set_conn(ConnState::verify_s, out);
  event(out, "verify-started", {{"size_kib", std::to_string(size() >> 10)}});
  pump_verify(out);
  return Status::ok();
}

Status Replica::shutdown(Outbox& out) {
  if (role_ == Role::primary) {
    Status st = demote(out);
    if (!st) return st;
  }
  if (hello_received_) link_down("volume going down", out);
  Status st = disk_.flush();
  if (st) st = persist_bitmap(true);
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
  return s;
}

}  // namespace hamail::drbdlite
