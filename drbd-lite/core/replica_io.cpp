// Replica: application I/O on the Primary and its replication to the peer.
//   write: activity log first (a new extent is on disk before its data), then the frame
//   to the peer, then the local write; completed by protocol: A when sent, B when the
//   peer received it, C when it is in both disks' caches. Disconnected: local only, and
//   the blocks are marked out of sync for the next resync.
//   Durability on the peer: a write it acknowledged is kept (blocks and activity-log
//   reference) until a flush ack covers it; the link lost or the peer's flush failed, its
//   blocks go into the bitmap. See ReplicaConfig::max_epoch_writes.
#include <cerrno>

#include "hamail/drbdlite/core/replica.h"

namespace hamail::drbdlite {
namespace {

bool replicating_state(ConnState c) {
  return c == ConnState::connected || c == ConnState::sync_source || c == ConnState::verify_s ||
         c == ConnState::verify_t;
}

}  // namespace

bool Replica::replicating() const {
  return hello_received_ && replicating_state(conn_) && peer_disk_ != DiskState::failed;
}

// During the handshake the peer is known but not yet replicated to. A write done now would
// mark its blocks after this node sent its bitmap: the two sides would decide the resync from
// different bitmaps (the simulator's seed 177070: the peer saw nothing to resync and stayed
// Connected, this node waited as SyncTarget for ever). With resource-and-stonith it would
// also live only here, and if the link drops before the resync the peer, not fenced, may be
// promoted without it (seed 2711). Held, whatever the fencing, until the connection
// replicates (or, the link lost, written locally, or with resource-and-stonith held until the
// peer is fenced).
bool Replica::held_for_handshake() const {
  return role_ == Role::primary && hello_received_ && !replicating_state(conn_);
}

void Replica::release_held_for_handshake(Outbox& out) {
  if (!deferred_.empty() && role_ == Role::primary && replicating_state(conn_)) drain_deferred(out);
}

// Blocks the peer may not hold. A resync of them already in flight carries older data: its
// ack must not clear them (the simulator's seed 24332: a local write failed while its block's
// resync was on the way, the ack cleared the bit, the copies stayed different).
void Replica::mark_out_of_sync(std::uint64_t offset, std::uint64_t length) {
  bm_.set_range(offset, length);
  for (const auto& [o, l] : rs_in_flight_)
    if (o < offset + length && offset < o + l) rs_stale_.insert(o);
}

Result<std::string> Replica::app_read(std::uint64_t offset, std::uint32_t length) {
  if (Status st = io_allowed(); !st) return Error{st.message()};
  return disk_.read(offset, length);
}

// Every application write may end up waiting in deferred_: refused when that would pass its bounds.
Status Replica::admit(std::uint64_t request, std::uint64_t bytes) {
  if (deferred_.size() < cfg_.max_deferred_writes && deferred_bytes_ + bytes <= cfg_.max_deferred_bytes)
    return Status::ok();
  return Error{"volume " + cfg_.volume + ": " + std::to_string(deferred_.size()) + " writes (" +
               std::to_string(deferred_bytes_ >> 10) + " KiB) already wait for the activity log or the peer: "
               "request " + std::to_string(request) + " refused"};
}

void Replica::app_write(std::uint64_t request, std::uint64_t offset, std::string data, bool fua, Outbox& out) {
  last_app_io_ms_ = now_ms_;
  if (Status st = admit(request, data.size()); !st) {
    out.completed.push_back({request, st});
    return;
  }
  DeferredWrite w;
  w.request = request;
  w.offset = offset;
  w.data = std::move(data);
  w.fua = fua;
  if (!deferred_.empty()) return defer(std::move(w), Defer::behind_others, out);  // the application's order
  submit_write(std::move(w), out);
}

void Replica::app_discard(std::uint64_t request, std::uint64_t offset, std::uint32_t length, bool zeroes, bool fua,
                          Outbox& out) {
  if (length > wire::kMaxDiscardBytes) {
    out.completed.push_back({request, Error{"discard of " + std::to_string(length) + " bytes: at most " +
                                            std::to_string(wire::kMaxDiscardBytes) + " at once"}});
    return;
  }
  if (Status st = admit(request, 0); !st) {
    out.completed.push_back({request, st});
    return;
  }
  DeferredWrite w;
  w.request = request;
  w.offset = offset;
  w.discard_length = length;
  w.zeroes = zeroes;
  w.fua = fua;
  if (!deferred_.empty()) return defer(std::move(w), Defer::behind_others, out);
  submit_write(std::move(w), out);
}

// Queues a write: behind the others, or back in front when it is the first and still blocked.
// If it waits on writes the peer has not yet made durable (their activity-log extents, or
// their bound), the epoch is closed now: the barrier's ack frees them.
void Replica::defer(DeferredWrite w, Defer why, Outbox& out) {
  deferred_bytes_ += w.data.size();
  if (why == Defer::behind_others) {
    deferred_.push_back(std::move(w));
  } else {
    deferred_.push_front(std::move(w));
  }
  HAMAIL_INVARIANT(deferred_.size() <= cfg_.max_deferred_writes && deferred_bytes_ <= cfg_.max_deferred_bytes,
                   "writes waiting for the activity log or the peer stay in their bound");
  if (why == Defer::on_unflushed && replicating() && epoch_writes_ > 0) send_barrier(std::nullopt, out);
}

void Replica::submit_write(DeferredWrite w, Outbox& out) {
  if (Status st = io_allowed(); !st) {
    out.completed.push_back({w.request, st});
    return;
  }
  if (io_frozen_) return defer(std::move(w), Defer::frozen, out);  // held until the peer is fenced
  if (held_for_handshake()) return defer(std::move(w), Defer::handshake, out);
  const bool is_discard = w.discard_length > 0;
  const std::uint64_t length = is_discard ? w.discard_length : w.data.size();
  if (length == 0 || w.offset > size() || length > size() - w.offset) {
    out.completed.push_back({w.request, Error{"request outside the device"}});
    return;
  }
  const bool replicate = replicating();
  if (replicate && pending_.size() + unflushed_.size() >= cfg_.max_unflushed_writes)
    return defer(std::move(w), Defer::on_unflushed, out);
  if (replicate && pending_.size() >= cfg_.max_pending_writes)
    return defer(std::move(w), Defer::on_acks, out);  // congestion: wait for acks
  auto begin = al_.begin_write(w.offset, length);
  if (!begin) {
    out.completed.push_back({w.request, Error{"activity log: " + begin.error()}});
    return;
  }
  if (begin->kind == meta::ActivityLog::Kind::must_wait) return defer(std::move(w), Defer::on_unflushed, out);
  if (begin->kind == meta::ActivityLog::Kind::needs_transaction) {
    if (Status st = write_al_transaction(*begin); !st) {
      fail_disk("activity log write: " + st.message(), out);
      out.completed.push_back({w.request, Error{"activity log write failed: " + st.message()}});
      return;
    }
  }

  const std::uint64_t seq = next_seq_++;
  if (replicate) {
    HAMAIL_INVARIANT(role_ == Role::primary && peer_role_ != Role::primary,
                     "two Primaries never both accept writes: only a Primary replicates, to a Secondary");
    if (is_discard) {
      send(wire::Discard{seq, w.offset, w.discard_length, w.zeroes, w.fua}, out);
    } else {
      send(wire::Write{seq, w.offset, w.fua, w.data}, out);
    }
  }
  Status local = is_discard ? disk_.discard(w.offset, w.discard_length, w.zeroes, w.fua)
                            : disk_.write(w.offset, w.data, w.fua);
  if (!local) {
    al_.end_write(w.offset, length);
    mark_out_of_sync(w.offset, length);
    fail_disk("write at " + std::to_string(w.offset) + ": " + local.message(), out);
    out.completed.push_back({w.request, Error{"local write failed: " + local.message()}});
    return;  // the peer's ack for it finds no pending entry and is ignored
  }
  if (!w.fua) unflushed_writes_ = true;
  if (!replicate) {
    mark_out_of_sync(w.offset, length);
    al_.end_write(w.offset, length);
    complete_app_write(w.request, w.offset, length, false, out);
    return;
  }
  PendingWrite p{w.request, w.offset, length, false, w.fua, now_ms_};
  if (cfg_.protocol == 'A') {
    p.app_done = true;
    complete_app_write(w.request, w.offset, length, false, out);
  }
  pending_[seq] = p;
  HAMAIL_INVARIANT(pending_.size() <= cfg_.max_pending_writes &&
                       pending_.size() + unflushed_.size() <= cfg_.max_unflushed_writes,
                   "replicated writes awaiting the peer stay in their bound");
  ++writes_replicated_;
  if (++epoch_writes_ >= cfg_.max_epoch_writes) send_barrier(std::nullopt, out);
}

// Bitmap pages of evicted extents first (once evicted, a crash no longer marks them),
// then the AL record: both durable before any data write to the new extents is issued.
// The evicted extents' own writes reach the disk before the record that stops covering
// them (with external metadata the record's fdatasync does not flush the data device).
Status Replica::write_al_transaction(const meta::ActivityLog::Begin& begin) {
  std::vector<std::uint64_t> pages;
  for (std::uint32_t e : begin.evicted) {
    std::uint64_t p = meta::ActivityLog::page_of_extent(e);
    if (bm_.page_dirty(p)) pages.push_back(p);
  }
  Status st = Status::ok();
  if (!begin.evicted.empty() && unflushed_writes_) {
    st = disk_.flush();
    if (st) unflushed_writes_ = false;
  }
  if (st && !pages.empty()) st = disk_.write_bitmap_pages(bm_, pages);
  if (st) st = disk_.write_al(begin.transaction);
  if (st) al_.commit_transaction(begin.transaction.seq);
  return st;
}

// Completes an application write OK. Protocol C: only once the peer reported it written,
// or with its blocks marked out of sync (the next resync carries them).
void Replica::complete_app_write(std::uint64_t request, std::uint64_t offset, std::uint64_t length, bool peer_wrote,
                                 Outbox& out) {
  HAMAIL_INVARIANT(cfg_.protocol != 'C' || peer_wrote || bitmap_covers(offset, length),
                   "protocol C: a write completes only after the peer's write_ack or with its blocks in the bitmap");
  report({request, Status::ok()}, out);
}

bool Replica::bitmap_covers(std::uint64_t offset, std::uint64_t length) const {
  const std::uint64_t end = meta::div_round_up(offset + length, meta::kBlockBytes);
  for (std::uint64_t b = offset / meta::kBlockBytes; b < end; ++b) {
    if (!bm_.test(b)) return false;
  }
  return true;
}

void Replica::drain_deferred(Outbox& out) {
  while (!deferred_.empty()) {
    std::size_t before = deferred_.size();
    DeferredWrite w = std::move(deferred_.front());
    deferred_.pop_front();
    deferred_bytes_ -= w.data.size();
    submit_write(std::move(w), out);
    if (deferred_.size() >= before) break;  // it went back to the front: still blocked
  }
}

// A flush to the peer: for the application's flush (`request`), or a barrier that closes the
// epoch. The peer answers after every write sent before it is durable there.
std::uint64_t Replica::send_barrier(std::optional<std::uint64_t> request, Outbox& out) {
  const std::uint64_t seq = next_seq_++;
  pending_flushes_[seq] = request;
  epoch_writes_ = 0;
  send(wire::Flush{seq}, out);
  return seq;
}

// The acknowledged writes sent before `before_seq`: durable on the peer now (a flush ack),
// or possibly lost there (the peer's flush failed, the link is gone): into the bitmap.
void Replica::settle_unflushed(std::uint64_t before_seq, bool durable_on_peer) {
  auto end = unflushed_.lower_bound(before_seq);
  for (auto it = unflushed_.begin(); it != end; ++it) {
    if (!durable_on_peer) mark_out_of_sync(it->second.offset, it->second.length);
    al_.end_write(it->second.offset, it->second.length);
  }
  unflushed_.erase(unflushed_.begin(), end);
}

void Replica::on_write_ack(const wire::WriteAck& a, Outbox& out) {
  auto it = pending_.find(a.seq);
  if (it == pending_.end()) return;
  PendingWrite p = it->second;
  pending_.erase(it);
  const bool ok = a.error == 0;
  if (!ok) event(out, "peer-write-error", {{"seq", std::to_string(a.seq)}, {"errno", std::to_string(a.error)}});
  if (ok && !p.fua && replicating()) {
    unflushed_[a.seq] = p;  // in the peer's cache: durable there at the next flush ack
  } else {
    if (!ok || !p.fua) mark_out_of_sync(p.offset, p.length);  // the peer does not have it (for sure)
    al_.end_write(p.offset, p.length);
  }
  if (!p.app_done) complete_app_write(p.request, p.offset, p.length, ok, out);
  drain_deferred(out);
}

void Replica::on_recv_ack(const wire::RecvAck& a, Outbox& out) {
  auto it = pending_.find(a.seq);
  if (cfg_.protocol != 'B' || it == pending_.end() || it->second.app_done) return;
  it->second.app_done = true;
  complete_app_write(it->second.request, it->second.offset, it->second.length, false, out);
}

void Replica::app_flush(std::uint64_t request, Outbox& out) {
  last_app_io_ms_ = now_ms_;
  if (Status st = io_allowed(); !st) {
    out.completed.push_back({request, st});
    return;
  }
  if (io_frozen_) {
    frozen_flushes_.push_back(request);  // bounded by the writes deferred_ admits: the NBD server's admission
    return;
  }
  // Nothing written since the last flush, and nothing in flight: already durable on both sides.
  if (!unflushed_writes_ && pending_.empty() && unflushed_.empty() && deferred_.empty() && pending_flushes_.empty()) {
    out.completed.push_back({request, Status::ok()});
    return;
  }
  // The peer flushes (after every write sent so far) while this node flushes too.
  const bool replicate = replicating();
  const std::uint64_t seq = replicate ? send_barrier(request, out) : 0;
  Status st = disk_.flush();
  if (!st) {
    fail_disk("flush: " + st.message(), out);
    if (replicate) pending_flushes_[seq] = std::nullopt;  // the peer's answer still settles its epoch
    out.completed.push_back({request, Error{"local flush failed: " + st.message()}});
    return;
  }
  unflushed_writes_ = false;
  if (!replicate) out.completed.push_back({request, Status::ok()});
}

// The peer flushed (or failed to) after every write sent before this flush; those writes
// were all acknowledged before (the peer works in order).
void Replica::on_flush_ack(const wire::FlushAck& a, Outbox& out) {
  auto it = pending_flushes_.find(a.seq);
  if (it == pending_flushes_.end()) return;
  const std::optional<std::uint64_t> request = it->second;
  pending_flushes_.erase(it);
  Status st = Status::ok();
  if (a.error == 0) {
    settle_unflushed(a.seq, true);
  } else {
    // This node's copy is durable; the peer's is not trusted: the bitmap names those blocks,
    // on disk before the flush completes (the resync at the next connect repairs the peer).
    event(out, "peer-flush-error", {{"errno", std::to_string(a.error)}});
    settle_unflushed(a.seq, false);
    st = persist_bitmap();
    if (!st) fail_disk("bitmap write: " + st.message(), out);
  }
  if (request) out.completed.push_back({*request, st ? Status::ok() : Error{"flush: " + st.message()}});
  drain_deferred(out);
}

void Replica::on_peer_write(wire::Write& w, Outbox& out) {
  if (role_ == Role::primary) {
    refuse_peer("protocol error: the peer sent a write while this node is Primary", out);
    return;
  }
  if (w.data.empty() || w.offset > size() || w.data.size() > size() - w.offset) {
    refuse_peer("protocol error: the peer sent a write outside the device (offset " + std::to_string(w.offset) + ")",
                out);
    return;
  }
  if (cfg_.protocol == 'B') send(wire::RecvAck{w.seq}, out);
  std::int32_t err = 0;
  if (disk_state_ == DiskState::failed) {
    err = EIO;
  } else if (Status st = disk_.write(w.offset, w.data, w.fua); !st) {
    fail_disk("replicated write at " + std::to_string(w.offset) + ": " + st.message(), out);
    err = EIO;
  }
  send(wire::WriteAck{w.seq, err}, out);
}

void Replica::on_peer_discard(const wire::Discard& d, Outbox& out) {
  if (role_ == Role::primary) {
    refuse_peer("protocol error: the peer sent a discard while this node is Primary", out);
    return;
  }
  if (d.length == 0 || d.length > wire::kMaxDiscardBytes || d.offset > size() || d.length > size() - d.offset) {
    refuse_peer("protocol error: the peer sent a discard of " + std::to_string(d.length) + " bytes at " +
                    std::to_string(d.offset) + " (outside the device, or over " +
                    std::to_string(wire::kMaxDiscardBytes) + " bytes)",
                out);
    return;
  }
  if (cfg_.protocol == 'B') send(wire::RecvAck{d.seq}, out);
  std::int32_t err = 0;
  if (disk_state_ == DiskState::failed) {
    err = EIO;
  } else if (Status st = disk_.discard(d.offset, d.length, d.zeroes, d.fua); !st) {
    fail_disk("replicated discard: " + st.message(), out);
    err = EIO;
  }
  send(wire::WriteAck{d.seq, err}, out);
}

void Replica::on_peer_flush(const wire::Flush& f, Outbox& out) {
  std::int32_t err = 0;
  if (disk_state_ == DiskState::failed) {
    err = EIO;
  } else if (Status st = disk_.flush(); !st) {
    fail_disk("flush: " + st.message(), out);
    err = EIO;
  }
  send(wire::FlushAck{f.seq, err}, out);
}

// The link is gone: the peer may or may not have the writes in flight, nor keep those in
// its cache. All go into the bitmap. A flush waiting for the peer then completes once this
// node's copy is durable and the bitmap naming those blocks is on disk (as DRBD does: the
// resync at the next connect brings the peer up to date); if the bitmap cannot be written,
// it fails.
void Replica::abandon_in_flight(Outbox& out) {
  for (auto& [seq, p] : pending_) {
    mark_out_of_sync(p.offset, p.length);
    al_.end_write(p.offset, p.length);
    if (!p.app_done) complete_app_write(p.request, p.offset, p.length, false, out);
  }
  pending_.clear();
  settle_unflushed(UINT64_MAX, false);
  epoch_writes_ = 0;
  Status st = persist_bitmap();
  if (!st) fail_disk("bitmap write: " + st.message(), out);
  for (auto& [seq, request] : pending_flushes_) {
    if (request) report({*request, st ? Status::ok() : Error{"flush: " + st.message()}}, out);
  }
  pending_flushes_.clear();
}

}  // namespace hamail::drbdlite
