// Replica: the link's life: hello, the generation-id decision, the peer's state, the link
// lost, the frames' dispatch and the clock.
//   hello -> decide_sync -> both send their bitmaps (replica_resync.cpp) -> resync or Connected.
#include "hamail/drbdlite/core/after_split_brain.h"
#include "hamail/drbdlite/core/replica.h"

namespace hamail::drbdlite {

void Replica::send_hello(Outbox& out) {
  wire::Hello h;
  h.volume = cfg_.volume;
  h.node = cfg_.node;
  h.size_bytes = size();
  h.role = static_cast<std::uint8_t>(role_);
  h.disk = static_cast<std::uint8_t>(disk_state_);
  h.flags = (crashed_primary_ ? wire::kHelloPrimaryCrashed : 0) | (discard_my_data_ ? wire::kHelloDiscardMyData : 0);
  if (sb_.has(meta::kFlagDivergedAsPrimary)) h.flags |= wire::kHelloDivergedAsPrimary;
  // Every write the lost Primary completed is here only under protocol C (A: not those in
  // flight; B: not those received but not yet written when this node crashed).
  if (holds_primary_writes_ && cfg_.protocol == 'C') h.flags |= wire::kHelloHoldsPrimaryWrites;
  hello_flags_ = h.flags;
  h.gen = wire::GenIds{sb_.gen.current, sb_.gen.bitmap, sb_.gen.history[0], sb_.gen.history[1]};
  h.changed_blocks = bm_.count_set();
  h.split_brain_policy = cfg_.split_brain.describe();
  hello_role_ = role_;
  hello_disk_ = disk_state_;
  hello_changed_blocks_ = h.changed_blocks;
  hello_diverged_as_primary_ = (h.flags & wire::kHelloDivergedAsPrimary) != 0;
  hello_sent_ = true;
  send(h, out);
}

void Replica::link_up(Outbox& out) {
  if (conn_ == ConnState::standalone) {
    out.drop_link = "volume is StandAlone (drbdlite connect first)";
    return;
  }
  last_rx_ms_ = now_ms_;
  last_ping_ms_ = now_ms_;
  send_hello(out);
}

void Replica::link_down(const std::string& reason, Outbox& out) {
  bool was_up = hello_received_;
  if (hello_sent_ || hello_received_) event(out, "link-down", {{"reason", reason}});
  // Before the writes in flight are abandoned: with resource-and-stonith their completions are held.
  // Whenever the peer heard this node's hello: it may count on this Primary's writes (a
  // handshake cut short left it Consistent, say: the simulator's seed 630).
  if (was_up) fence_on_link_loss(out);
  abandon_in_flight(out);
  hello_sent_ = hello_received_ = false;
  plan_ = SyncPlan::none;
  discarding_ = false;
  bitmap_sent_ = peer_bitmap_done_ = false;
  peer_bitmap_bytes_.clear();
  rs_in_flight_.clear();
  rs_stale_.clear();
  rs_in_flight_bytes_ = 0;
  verify_in_flight_.clear();
  set_peer(Role::unknown, DiskState::dunknown, out);
  // From now on this node writes what the peer does not have: a new data version. Frozen,
  // it writes nothing new until the peer is fenced: the new version starts at the thaw, so a
  // Primary that dies frozen (its peer then promoted) holds no version of its own.
  if (was_up && role_ == Role::primary && !io_frozen_) start_diverged_version(out);
  if (Status st = persist_bitmap(); !st) fail_disk("bitmap write: " + st.message(), out);
  if (conn_ != ConnState::standalone) set_conn(ConnState::connecting, out);
  drain_deferred(out);
}

void Replica::receive(wire::Message m, Outbox& out) {
  last_rx_ms_ = now_ms_;
  if (auto* r = std::get_if<wire::Refuse>(&m)) {
    last_error_ = "peer refused the connection: " + r->reason;
    event(out, "connect-refused-by-peer", {{"reason", r->reason}});
    link_down("peer refused: " + r->reason, out);
    out.drop_link = last_error_;
    set_conn(ConnState::standalone, out);
    return;
  }
  if (!hello_received_) {
    if (auto* h = std::get_if<wire::Hello>(&m)) {
      on_hello(*h, out);
    } else {
      refuse_peer(std::string("protocol error: expected hello, got ") + std::string(wire::type_name(m)), out);
    }
    return;
  }
  dispatch(m, out);
}

void Replica::dispatch(wire::Message& m, Outbox& out) {
  std::visit(
      [&](auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, wire::Hello>) {
          refuse_peer("protocol error: second hello", out);
        } else if constexpr (std::is_same_v<T, wire::State>) {
          on_peer_state(msg, out);
        } else if constexpr (std::is_same_v<T, wire::Write>) {
          on_peer_write(msg, out);
        } else if constexpr (std::is_same_v<T, wire::WriteAck>) {
          on_write_ack(msg, out);
        } else if constexpr (std::is_same_v<T, wire::RecvAck>) {
          on_recv_ack(msg, out);
        } else if constexpr (std::is_same_v<T, wire::Flush>) {
          on_peer_flush(msg, out);
        } else if constexpr (std::is_same_v<T, wire::FlushAck>) {
          on_flush_ack(msg, out);
        } else if constexpr (std::is_same_v<T, wire::Discard>) {
          on_peer_discard(msg, out);
        } else if constexpr (std::is_same_v<T, wire::BitmapChunk>) {
          on_bitmap_chunk(msg, out);
        } else if constexpr (std::is_same_v<T, wire::BitmapDone>) {
          on_bitmap_done(out);
        } else if constexpr (std::is_same_v<T, wire::RsData>) {
          on_rs_data(msg, out);
        } else if constexpr (std::is_same_v<T, wire::RsAck>) {
          on_rs_ack(msg, out);
        } else if constexpr (std::is_same_v<T, wire::RsDone>) {
          on_rs_done(msg, out);
        } else if constexpr (std::is_same_v<T, wire::VerifyReq>) {
          on_verify_req(msg, out);
        } else if constexpr (std::is_same_v<T, wire::VerifyReply>) {
          on_verify_reply(msg, out);
        } else if constexpr (std::is_same_v<T, wire::VerifyDone>) {
          on_verify_done(out);
        } else if constexpr (std::is_same_v<T, wire::Ping>) {
          send(wire::Pong{msg.cookie}, out);
        } else if constexpr (std::is_same_v<T, wire::Pong>) {
          // liveness only
        }
      },
      m);
}

// Refuses a hello that cannot be this volume's peer; true when it can.
bool Replica::hello_acceptable(const wire::Hello& h, Outbox& out) {
  if (h.volume != cfg_.volume) {
    refuse_peer("volume name mismatch: this node serves '" + cfg_.volume + "', the peer '" + h.volume + "'", out);
    return false;
  }
  if (h.size_bytes != size()) {
    refuse_peer("size mismatch: " + std::to_string(size()) + " bytes on " + cfg_.node + ", " +
                    std::to_string(h.size_bytes) + " bytes on " + h.node,
                out);
    return false;
  }
  if (h.node == cfg_.node) {
    refuse_peer("the peer has this node's own name '" + h.node + "': node names must differ", out);
    return false;
  }
  if (h.split_brain_policy != cfg_.split_brain.describe()) {
    refuse_peer("after-split-brain policies differ: this node " + cfg_.split_brain.describe() + ", the peer " +
                    h.split_brain_policy + " (both must decide alike: use the same cluster.yaml)",
                out);
    return false;
  }
  return true;
}

void Replica::on_hello(const wire::Hello& h, Outbox& out) {
  if (!hello_acceptable(h, out)) return;
  peer_node_ = h.node;
  hello_received_ = true;
  if (!hello_sent_) send_hello(out);
  peer_hello_role_ = static_cast<Role>(h.role);
  peer_hello_disk_ = static_cast<DiskState>(h.disk);
  set_peer(peer_hello_role_, peer_hello_disk_, out);
  peer_gen_.current = h.gen.current;
  peer_gen_.bitmap = h.gen.bitmap;
  peer_gen_.history = {h.gen.history0, h.gen.history1};
  peer_crashed_primary_ = (h.flags & wire::kHelloPrimaryCrashed) != 0;
  meta::SyncSide local{sb_.gen, crashed_primary_, discard_my_data_};
  meta::SyncSide peer{peer_gen_, peer_crashed_primary_, (h.flags & wire::kHelloDiscardMyData) != 0};
  meta::SyncDecision d = meta::decide_sync(local, peer);
  const bool diverged = d.outcome == meta::SyncOutcome::split_brain ||
                        meta::decide_sync(sb_.gen, peer_gen_).outcome == meta::SyncOutcome::split_brain;
  // `connect --discard-my-data` applies to this one connection: a later split brain is
  // again detected and left to the operator (or the policies).
  discard_my_data_ = false;
  if (diverged) d = on_split_brain(d, h, out);
  d = never_from_unusable_disk(crashed_primary_from_holder(d, h.flags));
  if (role_ == Role::primary && peer_role_ == Role::primary) {
    refuse_peer("both nodes are Primary: refusing to connect (demote one; two Primaries are never allowed)", out);
    return;
  }
  discarding_ = diverged && (d.outcome == meta::SyncOutcome::bitmap_sync_target ||
                             d.outcome == meta::SyncOutcome::full_sync_target);
  event(out, "sync-decision",
        {{"peer", peer_node_}, {"outcome", std::string(meta::to_string(d.outcome))}, {"reason", d.reason},
         {"local_gen", sb_.gen.to_string()}, {"peer_gen", peer_gen_.to_string()}});
  if (!apply_sync_decision(d, out)) return;
  if (plan_ == SyncPlan::target && role_ == Role::primary) {
    refuse_peer("this node is Primary but its data is older than the peer's: refusing to become SyncTarget "
                "(demote it first)",
                out);
    return;
  }
  send_bitmap(out);
}

// Both sides changed the data since they last met: one event with both sides' facts, the
// policy that applied and its decision. Returns the decision to act on: a sync with the
// loser as target, or the split brain (StandAlone, the split-brain handler runs).
meta::SyncDecision Replica::on_split_brain(const meta::SyncDecision& d, const wire::Hello& h, Outbox& out) {
  // Both sides decide from the two hellos (what the peer knows of this node), not from what
  // changed here since this node sent its own (a promotion in between, say).
  SplitBrainSide local{cfg_.node, hello_role_ == Role::primary, hello_diverged_as_primary_, hello_changed_blocks_};
  SplitBrainSide peer{peer_node_, peer_hello_role_ == Role::primary, (h.flags & wire::kHelloDivergedAsPrimary) != 0,
                      h.changed_blocks};
  SplitBrainDecision sb;
  meta::SyncDecision result = d;
  if (d.outcome != meta::SyncOutcome::split_brain) {
    sb.policy = "discard-my-data (the operator's connect)";
    sb.verdict = (d.outcome == meta::SyncOutcome::bitmap_sync_target || d.outcome == meta::SyncOutcome::full_sync_target)
                     ? SplitBrainVerdict::local_loses
                     : SplitBrainVerdict::peer_loses;
    sb.reason = d.reason;
  } else {
    sb = decide_after_split_brain(cfg_.split_brain, local, peer);
    if (sb.verdict != SplitBrainVerdict::disconnect) {
      meta::SyncSide l{sb_.gen, crashed_primary_, sb.verdict == SplitBrainVerdict::local_loses};
      meta::SyncSide p{peer_gen_, peer_crashed_primary_, sb.verdict == SplitBrainVerdict::peer_loses};
      result = meta::decide_sync(l, p);
      if (result.outcome == meta::SyncOutcome::split_brain)  // same version, both crashed as Primary
        result = {sb.verdict == SplitBrainVerdict::local_loses ? meta::SyncOutcome::bitmap_sync_target
                                                               : meta::SyncOutcome::bitmap_sync_source,
                  d.reason + "; resolved by " + sb.policy + " (bitmap sync of both nodes' marked blocks)"};
    }
  }
  const char* decision = sb.verdict == SplitBrainVerdict::local_loses  ? "this node discards its changes"
                         : sb.verdict == SplitBrainVerdict::peer_loses ? "the peer discards its changes"
                                                                       : "disconnect: both stay StandAlone";
  event(out, "split-brain",
        {{"peer", peer_node_}, {"local_gen", sb_.gen.to_string()}, {"peer_gen", peer_gen_.to_string()},
         {"local_changed_blocks", std::to_string(local.changed_blocks)},
         {"peer_changed_blocks", std::to_string(peer.changed_blocks)},
         {"primaries", std::to_string(int(local.primary) + int(peer.primary))}, {"policy", sb.policy},
         {"decision", decision}, {"reason", sb.reason}});
  if (sb.pri_lost_local) run_handler(Handler::pri_lost_after_sb, out);
  if (result.outcome == meta::SyncOutcome::split_brain) run_handler(Handler::split_brain, out);
  return result;
}

// The generation ids name the newer data version, but a disk left Inconsistent (a resync cut
// short) does not hold it whole: if the other side's hello said its disk is usable, that side
// sends. Both sides decide this from the two hellos alike. (A Failed disk is not Inconsistent:
// its data is what it was, and a resync from it stops at its first read error.)
// A Failed disk never receives: it is repaired by a restart of its volume (then Consistent
// at best), not revived by a resync into it, which left its activity log stuck on the
// transaction whose write had failed: once promoted its writes waited for ever (the
// simulator's seed 36207).
// Nor do an Inconsistent disk's ids protect anything: they may have left the peer's history
// (two slots) while its resyncs kept being cut short and the peer moved on through newer
// versions, which reads as unrelated data (the simulator's seed 103216: never connected
// again). Its peer's usable copy is sent whole.
meta::SyncDecision Replica::never_from_unusable_disk(const meta::SyncDecision& d) const {
  auto usable = [](DiskState s) {
    return s == DiskState::uptodate || s == DiskState::consistent || s == DiskState::outdated;
  };
  using O = meta::SyncOutcome;
  const bool to_local = d.outcome == O::bitmap_sync_target || d.outcome == O::full_sync_target;
  const bool to_peer = d.outcome == O::bitmap_sync_source || d.outcome == O::full_sync_source;
  if ((to_local && hello_disk_ == DiskState::failed) || (to_peer && peer_hello_disk_ == DiskState::failed))
    return {O::no_sync, d.reason + "; but the receiving disk failed: no resync until its volume is restarted"};
  if (d.outcome == O::unrelated && hello_disk_ == DiskState::inconsistent && usable(peer_hello_disk_))
    return {O::full_sync_target, d.reason + "; but this node's disk is Inconsistent, a resync cut short: it holds "
                                            "no data version to keep, the peer sends everything"};
  if (d.outcome == O::unrelated && peer_hello_disk_ == DiskState::inconsistent && usable(hello_disk_))
    return {O::full_sync_source, d.reason + "; but the peer's disk is Inconsistent, a resync cut short: it holds "
                                            "no data version to keep, this node sends everything"};
  const bool local_source = d.outcome == O::bitmap_sync_source || d.outcome == O::full_sync_source;
  const bool local_target = d.outcome == O::bitmap_sync_target || d.outcome == O::full_sync_target;
  const bool bitmap = d.outcome == O::bitmap_sync_source || d.outcome == O::bitmap_sync_target;
  if (local_source && hello_disk_ == DiskState::inconsistent && usable(peer_hello_disk_))
    return {bitmap ? O::bitmap_sync_target : O::full_sync_target,
            d.reason + "; but this node's disk is Inconsistent: the peer sends"};
  if (local_target && peer_hello_disk_ == DiskState::inconsistent && usable(hello_disk_))
    return {bitmap ? O::bitmap_sync_source : O::full_sync_source,
            d.reason + "; but the peer's disk is Inconsistent: this node sends"};
  return d;
}

// Same data version, one side crashed as Primary: DRBD resyncs its activity-log extents from
// it. But if the other side lost it while up (kHelloHoldsPrimaryWrites), that side's cache
// holds every write the Primary completed, while the crashed one may have lost some with its
// power: the holder sends (what only the crashed one had was never acknowledged).
meta::SyncDecision Replica::crashed_primary_from_holder(const meta::SyncDecision& d, std::uint32_t peer_flags) const {
  const bool peer_holds = (peer_flags & wire::kHelloHoldsPrimaryWrites) != 0;
  const bool local_holds = (hello_flags_ & wire::kHelloHoldsPrimaryWrites) != 0;
  if (sb_.gen.current != peer_gen_.current) return d;
  if (d.outcome == meta::SyncOutcome::bitmap_sync_source && crashed_primary_ && peer_holds)
    return {meta::SyncOutcome::bitmap_sync_target,
            "same data version; this node crashed as Primary, the peer holds every write it completed: resync its "
            "activity-log extents from the peer"};
  if (d.outcome == meta::SyncOutcome::bitmap_sync_target && peer_crashed_primary_ && local_holds)
    return {meta::SyncOutcome::bitmap_sync_source,
            "same data version; the peer crashed as Primary, this node holds every write it completed: resync its "
            "activity-log extents from here"};
  return d;
}

// Sets plan_ from the decision; false when the connection goes no further.
bool Replica::apply_sync_decision(const meta::SyncDecision& d, Outbox& out) {
  switch (d.outcome) {
    case meta::SyncOutcome::split_brain:
      refuse_peer("split brain detected: both nodes changed the data since they were last connected (" + d.reason +
                      "); replication stopped. Resolve with `drbdlite connect " + cfg_.volume +
                      " --discard-my-data` on the node whose changes are to be thrown away",
                  out);
      return false;
    case meta::SyncOutcome::unrelated:
      refuse_peer("unrelated data: the two nodes share no data history (" + d.reason + "); run `drbdlite invalidate " +
                      cfg_.volume + "` on the node to overwrite",
                  out);
      return false;
    case meta::SyncOutcome::both_fresh:
      set_conn(ConnState::connected, out);
      event(out, "both-fresh", {{"hint", "promote one node with `drbdlite primary " + cfg_.volume + " --force`"}});
      return false;
    case meta::SyncOutcome::no_sync: plan_ = SyncPlan::none; break;
    case meta::SyncOutcome::full_sync_source:
      bm_.set_all();
      plan_ = SyncPlan::source;
      break;
    case meta::SyncOutcome::bitmap_sync_source: plan_ = SyncPlan::source; break;
    case meta::SyncOutcome::full_sync_target:
      bm_.set_all();
      plan_ = SyncPlan::target;
      break;
    case meta::SyncOutcome::bitmap_sync_target: plan_ = SyncPlan::target; break;
  }
  return true;
}

void Replica::on_peer_state(const wire::State& s, Outbox& out) {
  if (static_cast<Role>(s.role) == Role::primary && role_ == Role::primary) {
    // Both promoted at the same time, each before it heard of the other: neither may
    // replicate to the other. Drop the link; the next hello refuses, too.
    refuse_peer("both nodes are Primary: refusing to connect (demote one; two Primaries are never allowed)", out);
    return;
  }
  const bool peer_failed = peer_disk_ != DiskState::failed && static_cast<DiskState>(s.disk) == DiskState::failed;
  // The peer crashed as Primary: its recovery ends with the resync of its extents (it went
  // Inconsistent, now UpToDate). Until then neither may be promoted (seed 27626: both
  // crashed as Primary on one data version, a split brain).
  if (peer_crashed_primary_ && peer_disk_ == DiskState::inconsistent &&
      static_cast<DiskState>(s.disk) == DiskState::uptodate)
    peer_crashed_primary_ = false;
  set_peer(static_cast<Role>(s.role), static_cast<DiskState>(s.disk), out);
  stop_fencing_on_reconnect(out);  // the peer, Inconsistent, resyncs from here
  if (conn_ == ConnState::connected && peer_disk_ == DiskState::uptodate) on_peer_uptodate(out);
  if (peer_failed && role_ == Role::primary) {
    // The peer's disk failed: what it holds unflushed is not to be trusted; this node goes on
    // alone, in a new data version (else a later resync could go the wrong way: seed 8250).
    // Frozen, it starts at the thaw (what a frozen Primary holds is no version of its own).
    if (!io_frozen_) start_diverged_version(out);
    settle_unflushed(UINT64_MAX, false);
    if (Status st = persist_bitmap(); !st) fail_disk("bitmap write: " + st.message(), out);
    drain_deferred(out);
  }
}

void Replica::tick(std::uint64_t now_ms, Outbox& out) {
  const bool first = last_tick_ms_ == 0;
  std::uint64_t dt = now_ms > last_tick_ms_ ? now_ms - last_tick_ms_ : 0;
  now_ms_ = now_ms;
  last_tick_ms_ = now_ms;
  // The clock starts with the first tick: a link that came up (and frames that arrived)
  // before it were timed at 0, not hours ago.
  if (first) last_rx_ms_ = last_ping_ms_ = now_ms;
  retry_fence_if_due(out);
  if (!hello_sent_) return;
  if (now_ms_ - last_rx_ms_ > cfg_.peer_timeout_ms) {
    std::string reason = "peer not responding for " + std::to_string(now_ms_ - last_rx_ms_) + " ms";
    link_down(reason, out);
    out.drop_link = reason;
    return;
  }
  if (now_ms_ - last_ping_ms_ >= cfg_.ping_interval_ms) {
    last_ping_ms_ = now_ms_;
    send(wire::Ping{now_ms_}, out);
  }
  if (conn_ == ConnState::sync_source) {
    double cap = std::max<double>(cfg_.resync_window_bytes, static_cast<double>(cfg_.resync_rate_bytes) / 10);
    rs_tokens_ = std::min(cap, rs_tokens_ + static_cast<double>(cfg_.resync_rate_bytes) * dt / 1000.0);
    pump_resync(out);
  }
}

}  // namespace hamail::drbdlite
