// Replica: application I/O on the Primary and its replication to the peer.
//   write: activity log first (a new extent is on disk before its data), then the frame
//   to the peer, then the local write; completed by protocol: A when sent, B when the
//   peer received it, C when it is on both disks. Disconnected: local only, and the
//   blocks are marked out of sync for the next resync.
#include <cerrno>

#include "hamail/drbdlite/core/replica.h"

namespace hamail::drbdlite {
namespace {

bool replicating_state(ConnState c) {
  return c == ConnState::connected || c == ConnState::sync_source || c == ConnState::verify_s ||
         c == ConnState::verify_t;
}

}  // namespace

Result<std::string> Replica::app_read(std::uint64_t offset, std::uint32_t length) {
  if (Status st = io_allowed(); !st) return Error{st.message()};
  return disk_.read(offset, length);
}

void Replica::app_write(std::uint64_t request, std::uint64_t offset, std::string data, bool fua, Outbox& out) {
  DeferredWrite w;
  w.request = request;
  w.offset = offset;
  w.data = std::move(data);
  w.fua = fua;
  if (!deferred_.empty()) {
    deferred_.push_back(std::move(w));  // keep the application's order
    return;
  }
  submit_write(std::move(w), out);
}

void Replica::app_discard(std::uint64_t request, std::uint64_t offset, std::uint32_t length, bool zeroes, bool fua,
                          Outbox& out) {
  DeferredWrite w;
  w.request = request;
  w.offset = offset;
  w.discard_length = length;
  w.zeroes = zeroes;
  w.fua = fua;
  if (!deferred_.empty()) {
    deferred_.push_back(std::move(w));
    return;
  }
  submit_write(std::move(w), out);
}

void Replica::submit_write(DeferredWrite w, Outbox& out) {
  if (Status st = io_allowed(); !st) {
    out.completed.push_back({w.request, st});
    return;
  }
  const bool is_discard = w.discard_length > 0;
  const std::uint64_t length = is_discard ? w.discard_length : w.data.size();
  if (length == 0 || w.offset > size() || length > size() - w.offset) {
    out.completed.push_back({w.request, Error{"request outside the device"}});
    return;
  }
  const bool replicate = hello_received_ && replicating_state(conn_) && peer_disk_ != DiskState::failed;
  if (replicate && pending_.size() >= cfg_.max_pending_writes) {
    deferred_.push_front(std::move(w));  // congestion: wait for acks
    return;
  }
  auto begin = al_.begin_write(w.offset, length);
  if (!begin) {
    out.completed.push_back({w.request, Error{"activity log: " + begin.error()}});
    return;
  }
  if (begin->kind == meta::ActivityLog::Kind::must_wait) {
    deferred_.push_front(std::move(w));
    return;
  }
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
    bm_.set_range(w.offset, length);
    fail_disk("write at " + std::to_string(w.offset) + ": " + local.message(), out);
    out.completed.push_back({w.request, Error{"local write failed: " + local.message()}});
    return;  // the peer's ack for it finds no pending entry and is ignored
  }
  if (!w.fua) unflushed_writes_ = true;
  if (!replicate) {
    bm_.set_range(w.offset, length);
    al_.end_write(w.offset, length);
    complete_app_write(w.request, w.offset, length, false, out);
    return;
  }
  PendingWrite p{w.request, w.offset, length, false, is_discard, now_ms_};
  if (cfg_.protocol == 'A') {
    p.app_done = true;
    complete_app_write(w.request, w.offset, length, false, out);
  }
  pending_[seq] = p;
  HAMAIL_INVARIANT(pending_.size() <= cfg_.max_pending_writes, "replicated writes awaiting the peer stay in their bound");
  ++writes_replicated_;
}

// Bitmap pages of evicted extents first (once evicted, a crash no longer marks them),
// then the AL record: both durable before any data write to the new extents is issued.
Status Replica::write_al_transaction(const meta::ActivityLog::Begin& begin) {
  std::vector<std::uint64_t> pages;
  for (std::uint32_t e : begin.evicted) {
    std::uint64_t p = meta::ActivityLog::page_of_extent(e);
    if (bm_.page_dirty(p)) pages.push_back(p);
  }
  Status st = pages.empty() ? Status::ok() : disk_.write_bitmap_pages(bm_, pages);
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
  out.completed.push_back({request, Status::ok()});
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
    submit_write(std::move(w), out);
    if (deferred_.size() >= before) break;  // it went back to the front: still blocked
  }
}

void Replica::complete_write(std::uint64_t seq, bool peer_ok, Outbox& out) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  PendingWrite& p = it->second;
  if (!peer_ok) bm_.set_range(p.offset, p.length);  // the peer does not have it
  al_.end_write(p.offset, p.length);
  if (!p.app_done) complete_app_write(p.request, p.offset, p.length, peer_ok, out);
  pending_.erase(it);
  drain_deferred(out);
}

void Replica::on_write_ack(const wire::WriteAck& a, Outbox& out) {
  if (a.error != 0) {
    event(out, "peer-write-error", {{"seq", std::to_string(a.seq)}, {"errno", std::to_string(a.error)}});
  }
  complete_write(a.seq, a.error == 0, out);
}

void Replica::app_flush(std::uint64_t request, Outbox& out) {
  if (Status st = io_allowed(); !st) {
    out.completed.push_back({request, st});
    return;
  }
  // Nothing written since the last flush, and nothing in flight: already durable on both sides.
  if (!unflushed_writes_ && pending_.empty() && deferred_.empty() && pending_flushes_.empty()) {
    out.completed.push_back({request, Status::ok()});
    return;
  }
  const bool replicate = hello_received_ && replicating_state(conn_) && peer_disk_ != DiskState::failed;
  std::uint64_t seq = 0;
  if (replicate) {
    // The peer flushes (after every write sent so far) while this node flushes too.
    seq = next_seq_++;
    pending_flushes_[seq] = request;
    send(wire::Flush{seq}, out);
  }
  Status st = disk_.flush();
  if (!st) {
    fail_disk("flush: " + st.message(), out);
    pending_flushes_.erase(seq);
    out.completed.push_back({request, Error{"local flush failed: " + st.message()}});
    return;
  }
  unflushed_writes_ = false;
  if (!replicate) out.completed.push_back({request, Status::ok()});
}

void Replica::on_flush_ack(const wire::FlushAck& a, Outbox& out) {
  auto it = pending_flushes_.find(a.seq);
  if (it == pending_flushes_.end()) return;
  if (a.error != 0) event(out, "peer-flush-error", {{"errno", std::to_string(a.error)}});
  // A failed flush on the peer: this node's copy is durable; the peer's is not trusted.
  out.completed.push_back({it->second, Status::ok()});
  pending_flushes_.erase(it);
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
  if (d.length == 0 || d.offset > size() || d.length > size() - d.offset) {
    refuse_peer("protocol error: the peer sent a discard outside the device", out);
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

void Replica::abandon_in_flight(Outbox& out) {
  // The peer may or may not have these: mark them, and complete what is durable here.
  for (auto& [seq, p] : pending_) {
    bm_.set_range(p.offset, p.length);
    al_.end_write(p.offset, p.length);
    if (!p.app_done) complete_app_write(p.request, p.offset, p.length, false, out);
  }
  pending_.clear();
  for (auto& [seq, request] : pending_flushes_) out.completed.push_back({request, Status::ok()});
  pending_flushes_.clear();
}

}  // namespace hamail::drbdlite
