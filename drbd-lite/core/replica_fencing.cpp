// Replica: fencing (DRBD's resource-only / resource-and-stonith) and the handlers.
//   Primary loses a peer that could be promoted -> (resource-and-stonith) I/O frozen: writes and
//   flushes held, not failed -> fence-peer -> 4 outdated / 5 down / 7 fenced: the peer is marked
//   fenced (superblock), I/O thaws; anything else: logged, retried with back-off, still frozen.
//   The peer reconnecting (it then resyncs from this node) also thaws; `resume-io` by hand.
//   Promotion while the peer is unreachable runs fence-peer first (replica.cpp promote()).
//   The fenced peer, UpToDate again while connected -> unfence-peer, the mark cleared.
#include "hamail/drbdlite/core/replica.h"

namespace hamail::drbdlite {

void Replica::start_diverged_version(Outbox& out) {
  if (!sb_.gen.new_current(random_id_())) return;
  sb_.set(meta::kFlagDivergedAsPrimary, true);
  if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
  rehandshake_if_hello_sent(out);
}

// The hello sent names the data version both sides decide with: a new one started since
// (a thaw, a promotion) makes the peer decide from stale ids. Start the handshake again.
void Replica::rehandshake_if_hello_sent(Outbox& out) {
  if (!hello_sent_ || hello_received_) return;
  const std::string reason = "the data version changed during the handshake: reconnecting";
  link_down(reason, out);
  out.drop_link = reason;
}

void Replica::run_handler(Handler h, Outbox& out) {
  const std::uint64_t id = next_handler_id_++;
  out.handlers.push_back(HandlerRequest{id, h});
  if (h == Handler::fence_peer) fence_run_ = id;
}

void Replica::report(AppCompletion c, Outbox& out) {
  if (io_frozen_) {
    held_.push_back(std::move(c));
  } else {
    out.completed.push_back(std::move(c));
  }
}

// Called by link_down before the writes in flight are abandoned. True when this node now
// waits for the peer to be fenced (I/O frozen with resource-and-stonith).
// Every peer is fenced, whatever its disk was last reported as: a SyncTarget may have just
// become UpToDate, its State lost with the link (the simulator found this one).
bool Replica::fence_on_link_loss(Outbox& out) {
  if (role_ != Role::primary || cfg_.fencing == Fencing::dont_care) return false;
  fence_wanted_ = cfg_.fencing == Fencing::resource_and_stonith;
  fence_failures_ = 0;
  if (cfg_.fencing == Fencing::resource_and_stonith && !io_frozen_) {
    io_frozen_ = true;
    event(out, "io-frozen", {{"reason", "lost the peer while Primary: writes are held until fence-peer reports "
                                        "the peer outdated, down or fenced"}});
  }
  start_fence("lost the peer while Primary", out);
  return io_frozen_;
}

void Replica::start_fence(const std::string& why, Outbox& out) {
  if (fence_run_) return;  // one at a time: its answer serves every waiter
  event(out, "fence-peer", {{"peer", peer_node_}, {"reason", why}, {"attempt", std::to_string(fence_failures_ + 1)}});
  run_handler(Handler::fence_peer, out);
}

void Replica::fence_peer_done(std::uint64_t id, const HandlerResult& result, Outbox& out) {
  if (!fence_run_ || *fence_run_ != id) return;  // a run from before a restart of the state: stale
  fence_run_.reset();
  const std::string what = describe_fence_result(result);
  if (fence_succeeded(result)) {
    fence_wanted_ = false;
    fence_failures_ = 0;
    sb_.set(meta::kFlagPeerOutdated, true);
    if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
    event(out, "peer-fenced", {{"peer", peer_node_}, {"result", what}});
    if (io_frozen_) thaw("fence-peer: " + what, out);
    // The peer came back and resynced while the handler ran (a fenced node rebooted at once):
    // the resync's unfence has passed, so unfence now, or the mark outlives the reason for it.
    if (conn_ == ConnState::connected && peer_disk_ == DiskState::uptodate) on_peer_uptodate(out);
    if (promote_after_fence_) {
      promote_after_fence_ = false;
      Status st = role_ == Role::primary ? Status::ok() : check_promotable(false);
      // Fenced as unreachable, but it reconnected meanwhile: its state, not yet heard, may say
      // it was promoted (the simulator's seed 14100: two Primaries of one data version).
      if (st && role_ != Role::primary && hello_received_)
        st = Error{cfg_.volume + ": cannot promote: the peer " + peer_node_ +
                   " reconnected while fence-peer ran: promote again (the peer's state decides)"};
      if (st && role_ != Role::primary) st = promote_now(false, true, out);
      if (!st) {
        last_error_ = st.message();
        event(out, "promotion-refused", {{"reason", st.message()}});
      }
    }
    return;
  }
  const bool retry = fence_wanted_;
  const std::uint64_t delay =
      std::min(cfg_.fence_retry_max_ms, cfg_.fence_retry_first_ms << std::min<std::uint32_t>(fence_failures_, 16));
  ++fence_failures_;
  if (retry) fence_retry_at_ms_ = now_ms_ + delay;
  last_error_ = "fence-peer failed: " + what;
  event(out, "fence-peer-failed",
        {{"peer", peer_node_},
         {"result", what},
         {"io", io_frozen_ ? "frozen" : "running"},
         {"retry_in_ms", retry ? std::to_string(delay) : "no retry"}});
  if (promote_after_fence_) {
    promote_after_fence_ = false;
    last_error_ = cfg_.volume + ": cannot promote: the peer is unreachable and fence-peer failed (" + what + ")";
    event(out, "promotion-refused", {{"reason", last_error_}});
  }
}

void Replica::retry_fence_if_due(Outbox& out) {
  if (fence_wanted_ && !fence_run_ && now_ms_ >= fence_retry_at_ms_) start_fence("retry", out);
}

// Held completions first (those writes were issued before anything deferred), then the
// flushes (they cover what completed before them), then the writes that waited.
void Replica::thaw(const std::string& why, Outbox& out) {
  if (!io_frozen_) return;
  io_frozen_ = false;
  // The held writes are not on the peer: a new data version, also when a handshake with the
  // peer is under way (its hello's version would otherwise claim them: the simulator's seed
  // 1939, a fenced peer's copy later resynced over them), or connected to a peer whose disk
  // failed (seed 59301). The bitmap names them either way.
  const meta::GenerationIds before = sb_.gen;
  if (role_ == Role::primary && (!is_connected(conn_) || peer_disk_ == DiskState::failed))
    start_diverged_version(out);
  const bool mid_handshake = hello_received_ && !is_connected(conn_) && !(sb_.gen == before);
  event(out, "io-resumed", {{"reason", why}, {"held_completions", std::to_string(held_.size())},
                            {"held_flushes", std::to_string(frozen_flushes_.size())},
                            {"held_writes", std::to_string(deferred_.size())}});
  for (auto& c : held_) out.completed.push_back(std::move(c));
  held_.clear();
  std::vector<std::uint64_t> flushes = std::move(frozen_flushes_);
  frozen_flushes_.clear();
  for (std::uint64_t request : flushes) app_flush(request, out);
  drain_deferred(out);
  if (mid_handshake) {
    // Both sides decided from the old version: decide again from the new one (the peer, if
    // still reachable, is fenced once more on the way: seed 2912, a spurious split brain).
    const std::string reason = "the data version changed during the handshake: reconnecting";
    link_down(reason, out);
    out.drop_link = reason;
  }
}

Status Replica::resume_io(Outbox& out) {
  if (!io_frozen_) return Error{cfg_.volume + ": I/O is not frozen"};
  fence_wanted_ = false;
  event(out, "resume-io-by-operator",
        {{"warning", "the peer was not confirmed fenced: if it is promoted, writes from now on can be lost"}});
  thaw("resumed by the operator (drbdlite resume-io)", out);
  return Status::ok();
}

// Connected again: the held writes are in the bitmap, not on the peer. They may complete once
// the peer cannot be promoted without them: it said it is Inconsistent (a SyncTarget, from
// this node), or nothing is left to resync. Not as soon as this node is SyncSource: the peer
// may not have begun its resync yet, and a link lost then leaves it Consistent, the survivor
// of its Primary, promotable by fencing (the simulator's seed 105854); nor when no resync can
// run (this node's disk failed: seed 264923).
void Replica::stop_fencing_on_reconnect(Outbox& out) {
  if (!fence_wanted_ && !io_frozen_) return;
  if (role_ != Role::primary || !is_connected(conn_)) return;
  const bool peer_resyncs = conn_ == ConnState::sync_source && peer_disk_ == DiskState::inconsistent;
  const bool nothing_to_resync = conn_ == ConnState::connected && bm_.count_set() == 0;
  if (!peer_resyncs && !nothing_to_resync) return;
  fence_wanted_ = false;
  thaw("the peer reconnected and resyncs from this node", out);
}

Status Replica::outdate(Outbox& out) {
  if (role_ == Role::primary) return Error{cfg_.volume + ": cannot outdate a Primary"};
  if (hello_received_)
    return Error{cfg_.volume + ": cannot outdate: connected to the peer " + peer_node_ + " (its writes reach this node)"};
  if (disk_state_ == DiskState::outdated || disk_state_ == DiskState::inconsistent) return Status::ok();
  if (disk_state_ != DiskState::uptodate && disk_state_ != DiskState::consistent)
    return Error{cfg_.volume + ": cannot outdate a disk that is " + std::string(to_string(disk_state_))};
  const DiskState before = disk_state_;
  set_disk(DiskState::outdated, out);
  if (Status st = persist_superblock(); !st) {
    set_disk(before, out);
    return Error{cfg_.volume + ": cannot outdate: superblock write failed: " + st.message()};
  }
  event(out, "outdated", {{"hint", "the peer fenced this node: promotion needs --force until a resync"}});
  return Status::ok();
}

// The peer this node fenced is UpToDate again, connected: clear the mark, unfence it.
void Replica::on_peer_uptodate(Outbox& out) {
  if (!sb_.has(meta::kFlagPeerOutdated)) return;
  sb_.set(meta::kFlagPeerOutdated, false);
  if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
  event(out, "peer-unfenced", {{"peer", peer_node_}});
  run_handler(Handler::unfence_peer, out);
}

}  // namespace hamail::drbdlite
