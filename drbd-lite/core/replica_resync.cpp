// Replica: the bitmap exchange after the sync decision, and the resync.
//   both send their bitmaps, OR them -> SyncSource/SyncTarget (or, same data version with
//   blocks known to differ, the tie-break) -> rs_data/rs_ack until the bitmap is clear
//   -> rs_done -> Connected, both UpToDate.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "hamail/drbdlite/core/replica.h"
#include "hamail/drbdlite/core/sync_tie_break.h"

namespace hamail::drbdlite {
namespace {

std::string kib(std::uint64_t bytes) { return std::to_string(bytes >> 10); }

}  // namespace

void Replica::send_bitmap(Outbox& out) {
  // Both sides send the blocks they know differ; each ORs the other's into its own.
  constexpr std::uint64_t kWordsPerPage = meta::kPageBytes / 8;
  for (std::uint64_t p = 0; p < bm_.page_count(); ++p) {
    meta::Bitmap::Page page = bm_.page_bytes(p);
    if (std::all_of(page.begin(), page.end(), [](std::uint8_t b) { return b == 0; })) continue;
    wire::BitmapChunk c;
    c.first_word = p * kWordsPerPage;
    c.words.resize(kWordsPerPage);
    std::memcpy(c.words.data(), page.data(), page.size());
    send(c, out);
  }
  send(wire::BitmapDone{}, out);
  bitmap_sent_ = true;
  peer_bitmap_bytes_.assign(bm_.page_count() * meta::kPageBytes, 0);
}

void Replica::on_bitmap_chunk(const wire::BitmapChunk& c, Outbox& out) {
  std::uint64_t first_byte = c.first_word * 8;
  std::uint64_t bytes = c.words.size() * 8;
  if (first_byte > peer_bitmap_bytes_.size() || bytes > peer_bitmap_bytes_.size() - first_byte) {
    refuse_peer("protocol error: bitmap chunk outside the bitmap", out);
    return;
  }
  std::memcpy(peer_bitmap_bytes_.data() + first_byte, c.words.data(), bytes);
}

void Replica::on_bitmap_done(Outbox& out) {
  auto peer_bm = meta::Bitmap::from_bytes(size(), peer_bitmap_bytes_);
  if (!peer_bm) {
    refuse_peer("protocol error: peer bitmap rejected: " + peer_bm.error(), out);
    return;
  }
  if (Status st = bm_.merge_from(*peer_bm); !st) {
    refuse_peer("protocol error: " + st.message(), out);
    return;
  }
  peer_bitmap_bytes_.clear();
  peer_bitmap_done_ = true;
  if (Status st = persist_bitmap(); !st) {
    fail_disk("bitmap write: " + st.message(), out);
    return;
  }
  if (plan_ == SyncPlan::none && bm_.count_set() > 0) break_same_version_tie(out);
  if (plan_ == SyncPlan::target && disk_state_ == DiskState::failed) {
    // Failed since its hello: a Failed disk never receives (never_from_unusable_disk). Decided
    // again at the next connect, from a hello that says so.
    const std::string reason = "this node's disk failed while the resync direction was being decided: reconnecting";
    out.drop_link = reason;
    link_down(reason, out);
    return;
  }
  if (plan_ == SyncPlan::target && role_ == Role::primary) {
    // Promoted while the bitmaps were exchanged (its hello said Secondary): a Primary never
    // becomes SyncTarget. Drop the link; the next connect decides with the new role.
    const std::string reason = "this node became Primary while the resync direction was being decided: reconnecting";
    out.drop_link = reason;
    link_down(reason, out);
    return;
  }
  if (plan_ == SyncPlan::none) {
    set_conn(ConnState::connected, out);
    auto whole = [](DiskState d) {
      return d == DiskState::uptodate || d == DiskState::consistent || d == DiskState::outdated;
    };
    const bool attached = whole(disk_state_) || disk_state_ == DiskState::inconsistent;
    const bool in_sync = bm_.count_set() == 0 && sb_.gen.current == peer_gen_.current;
    if (in_sync && sb_.gen.bitmap != 0) {
      // Not tracking any more: the next promotion without the peer starts a new data version
      // (a bitmap id left from a resync whose end was lost made that promotion keep the
      // version the peer holds: the simulator's seed 388, a split brain).
      sb_.gen.finish_resync_as_source();
      if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
    }
    if (in_sync && disk_state_ != DiskState::uptodate && attached &&
        (whole(hello_disk_) || whole(peer_hello_disk_))) {
      // Same version, no block known to differ, one of the two copies whole: both hold it,
      // connected, the newest there is. Both sides decide this from the two hellos. (An
      // Inconsistent disk here got all of a resync whose rs_done was lost with the link:
      // the simulator's seed 105.)
      set_disk(DiskState::uptodate, out);
      if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
    }
    if (peer_disk_ == DiskState::uptodate) on_peer_uptodate(out);
    return;
  }
  begin_resync(out);
}

// Same data version, but blocks are known to differ (a crash, a verify, a peer's write error):
// both sides pick the direction from the same facts, the two hellos (sync_tie_break.h).
void Replica::break_same_version_tie(Outbox& out) {
  TieBreak t = break_tie({hello_role_, hello_disk_, cfg_.node}, {peer_hello_role_, peer_hello_disk_, peer_node_});
  if (t == TieBreak::no_source) {
    last_error_ = "blocks differ from the peer's but neither disk holds a usable copy: no resync (promote the node "
                  "whose data counts with --force)";
    event(out, "resync-impossible", {{"peer", peer_node_}, {"out_of_sync_kib", kib(bm_.out_of_sync_bytes())}});
    return;
  }
  plan_ = t == TieBreak::local_source ? SyncPlan::source : SyncPlan::target;
}

void Replica::begin_resync(Outbox& out) {
  rs_total_ = bm_.out_of_sync_bytes();
  rs_done_ = 0;
  rs_cursor_ = 0;
  rs_start_ms_ = now_ms_;
  rs_tokens_ = cfg_.resync_window_bytes;
  event(out, "resync-started",
        {{"peer", peer_node_}, {"direction", plan_ == SyncPlan::source ? "source" : "target"},
         {"out_of_sync_kib", kib(rs_total_)}});
  if (plan_ == SyncPlan::target) {
    HAMAIL_INVARIANT(role_ != Role::primary, "a Primary never becomes SyncTarget (its data would change under the "
                                             "application)");
    // Mid-resync data is a mix of two versions: unusable until the resync completes.
    set_disk(DiskState::inconsistent, out);
    if (discarding_) discard_local_version();
    if (Status st = persist_superblock(); !st) {
      fail_disk("superblock write: " + st.message(), out);
      return;
    }
    set_conn(ConnState::sync_target, out);
    return;
  }
  set_conn(ConnState::sync_source, out);
  pump_resync(out);
}

// This node lost a split brain (`connect --discard-my-data`): from now on its data is the
// common ancestor plus the blocks its bitmap names (its own changes and the peer's), so an
// interrupted resync resumes at the next connect without the flag, instead of meeting the
// split brain again. Resolved by a full sync: it holds nothing (fresh).
void Replica::discard_local_version() {
  if (peer_gen_.bitmap != 0 && sb_.gen.bitmap == peer_gen_.bitmap) {
    sb_.gen = meta::GenerationIds{peer_gen_.bitmap, 0, sb_.gen.history};
  } else {
    sb_.gen.forget();
  }
  discarding_ = false;
}

void Replica::pump_resync(Outbox& out) {
  if (conn_ != ConnState::sync_source) return;
  const std::uint64_t max_blocks = std::max<std::uint64_t>(1, cfg_.resync_chunk_bytes / meta::kBlockBytes);
  const bool app_io = last_app_io_ms_ && now_ms_ - *last_app_io_ms_ < cfg_.app_io_recent_ms;
  const std::uint64_t window =
      app_io ? std::min(cfg_.resync_window_bytes, cfg_.resync_window_under_io_bytes) : cfg_.resync_window_bytes;
  while (rs_in_flight_bytes_ < window && rs_tokens_ > 0) {
    auto b = bm_.find_next_set(rs_cursor_);
    if (!b) {
      if (!rs_in_flight_.empty()) return;  // wait for acks
      if (rs_cursor_ != 0 && (b = bm_.find_next_set(0))) {
        rs_cursor_ = 0;  // bits set behind the cursor (a write the peer rejected)
      } else {
        finish_resync_source(out);
        return;
      }
    }
    std::uint64_t n = 1;
    while (n < max_blocks && *b + n < bm_.block_count() && bm_.test(*b + n)) ++n;
    std::uint64_t offset = *b * meta::kBlockBytes;
    std::uint64_t length = std::min<std::uint64_t>(n * meta::kBlockBytes, size() - offset);
    auto data = disk_.read(offset, static_cast<std::uint32_t>(length));
    if (!data) {
      fail_disk("resync read at " + std::to_string(offset) + ": " + data.error(), out);
      refuse_peer("resync source's disk failed", out);
      return;
    }
    send(wire::RsData{offset, std::move(*data)}, out);
    rs_in_flight_[offset] = length;
    rs_in_flight_bytes_ += length;
    rs_tokens_ -= static_cast<double>(length);
    rs_cursor_ = *b + n;
  }
}

// This node's bitmap on disk names every block whose resync data is not yet durable here: its
// bits are cleared on disk only after a flush (persist_bitmap). A block the source marked after
// the bitmaps were exchanged (a write while the link did not yet replicate, say) is not among
// them: recorded first, or a power cut losing its data from this node's cache after the source
// cleared its bit at the ack leaves the block different with neither side naming it (the
// simulator's seed 378090: both UpToDate, the data different).
Status Replica::record_unmarked_resync_blocks(std::uint64_t offset, std::uint64_t length) {
  if (bitmap_covers(offset, length)) return Status::ok();
  bm_.set_range(offset, length);
  return persist_bitmap();
}

void Replica::on_rs_data(wire::RsData& d, Outbox& out) {
  if (conn_ != ConnState::sync_target || d.data.empty() || d.offset % meta::kBlockBytes != 0 || d.offset > size() ||
      d.data.size() > size() - d.offset) {
    refuse_peer("protocol error: unexpected resync data at offset " + std::to_string(d.offset), out);
    return;
  }
  std::int32_t err = 0;
  if (disk_state_ == DiskState::failed) {
    err = EIO;  // as for a replicated write: a failed disk takes nothing more
  } else if (Status st = record_unmarked_resync_blocks(d.offset, d.data.size()); !st) {
    fail_disk("bitmap write: " + st.message(), out);
    err = EIO;
  } else if (Status st = disk_.write(d.offset, d.data, false); !st) {
    fail_disk("resync write at " + std::to_string(d.offset) + ": " + st.message(), out);
    err = EIO;
  } else {
    std::uint64_t blocks = meta::div_round_up(d.data.size(), meta::kBlockBytes);
    bm_.clear_blocks(d.offset / meta::kBlockBytes, blocks);
    resync_unflushed_ = true;  // the bits go to disk only after this data (persist_bitmap)
    rs_blocks_received_ += blocks;
    rs_done_ += d.data.size();
  }
  send(wire::RsAck{d.offset, static_cast<std::uint32_t>(d.data.size()), err}, out);
}

void Replica::on_rs_ack(const wire::RsAck& a, Outbox& out) {
  auto it = rs_in_flight_.find(a.offset);
  if (it == rs_in_flight_.end()) return;
  std::uint64_t length = it->second;
  rs_in_flight_.erase(it);
  rs_in_flight_bytes_ -= length;
  if (a.error != 0) {
    event(out, "resync-peer-error", {{"offset", std::to_string(a.offset)}, {"errno", std::to_string(a.error)}});
    out.drop_link = "peer failed to write resync data";
    link_down("peer failed to write resync data", out);
    return;
  }
  std::uint64_t blocks = meta::div_round_up(length, meta::kBlockBytes);
  if (rs_stale_.erase(a.offset) == 0) bm_.clear_blocks(a.offset / meta::kBlockBytes, blocks);
  rs_blocks_sent_ += blocks;
  rs_done_ += length;
  pump_resync(out);
}

// Every block acknowledged: the end is recorded here first, then rs_done lets the peer take
// this node's data version. The other way round, a crash between the two left the peer
// holding this node's version while this node, still tracking since the peer's old one, went
// on writing in it when promoted alone (the simulator's seed 21506: a resync the wrong way).
void Replica::finish_resync_source(Outbox& out) {
  crashed_primary_ = false;  // its activity-log extents were resynced: both hold the same data now
  if (disk_state_ == DiskState::consistent || disk_state_ == DiskState::outdated) {
    // Both now hold this whole version, connected, neither writing anything else: with two
    // nodes there is no newer one (DRBD: Consistent meeting Consistent).
    set_disk(DiskState::uptodate, out);
  }
  holds_primary_writes_ = false;
  sb_.gen.finish_resync_as_source();
  Status st = persist_bitmap();
  if (st) st = persist_superblock();
  if (!st) {
    fail_disk("recording the resync's end: " + st.message(), out);
    refuse_peer("resync source's disk failed", out);
    return;
  }
  send(wire::RsDone{wire::GenIds{sb_.gen.current, sb_.gen.bitmap, sb_.gen.history[0], sb_.gen.history[1]}}, out);
  plan_ = SyncPlan::none;
  std::uint64_t ms = now_ms_ - rs_start_ms_;
  event(out, "resync-finished",
        {{"peer", peer_node_}, {"direction", "source"}, {"kib", kib(rs_done_)}, {"ms", std::to_string(ms)}});
  set_conn(ConnState::connected, out);
}

void Replica::on_rs_done(const wire::RsDone& d, Outbox& out) {
  if (conn_ != ConnState::sync_target) {
    refuse_peer("protocol error: rs_done outside a resync", out);
    return;
  }
  plan_ = SyncPlan::none;
  // A disk that failed during the resync is not up to date, whatever the resync wrote: it
  // takes no data version (the sim's seeds 122176, 170749: it did, the version its source's
  // hello named, while the source had started a new one on hearing of the failure; later
  // both wrote on from those two versions, a split brain).
  if (disk_state_ == DiskState::failed) {
    event(out, "resync-incomplete", {{"reason", "the local disk failed during the resync"}});
    set_conn(ConnState::connected, out);
    return;
  }
  if (Status st = disk_.flush(); !st) {
    fail_disk("flush after resync: " + st.message(), out);
    return;
  }
  resync_unflushed_ = false;
  if (bm_.count_set() != 0) {
    event(out, "resync-incomplete", {{"out_of_sync_kib", kib(bm_.out_of_sync_bytes())}});
    set_conn(ConnState::connected, out);
    return;  // stays Inconsistent: never claim UpToDate with known differences
  }
  // The version the source holds now, which its hello may not have named: it starts a new one
  // when this node's disk fails, also before this resync began (the simulator's seed 175934:
  // this node took the hello's, the source went on in its new one, a later split brain).
  peer_gen_ = meta::GenerationIds{d.gen.current, d.gen.bitmap, {d.gen.history0, d.gen.history1}};
  sb_.gen.finish_resync_as_target(peer_gen_);
  crashed_primary_ = false;  // what it wrote before its crash was replaced by the source's data
  peer_crashed_primary_ = false;  // the source's extents were in the bitmaps: resynced here
  holds_primary_writes_ = false;
  set_disk(DiskState::uptodate, out);
  if (Status st = persist_bitmap(); !st) fail_disk("bitmap write: " + st.message(), out);
  if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
  event(out, "resync-finished", {{"peer", peer_node_}, {"direction", "target"}, {"kib", kib(rs_done_)},
                                 {"ms", std::to_string(now_ms_ - rs_start_ms_)}});
  set_conn(ConnState::connected, out);
  run_handler(Handler::after_resync_target, out);
}

}  // namespace hamail::drbdlite
