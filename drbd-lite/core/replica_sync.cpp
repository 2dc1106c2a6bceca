// Replica: the link's life (hello, generation-id decision, bitmap exchange), resync,
// online verify and the clock.
//   hello -> decide_sync -> both send their bitmaps -> merged -> SyncSource/SyncTarget
//   -> rs_data/rs_ack until the bitmap is clear -> rs_done -> Connected, both UpToDate.
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "hamail/drbdlite/core/replica.h"

namespace hamail::drbdlite {
namespace {

std::array<std::uint8_t, 32> sha256(const std::string& data) {
  std::array<std::uint8_t, 32> out{};
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

std::string kib(std::uint64_t bytes) { return std::to_string(bytes >> 10); }

}  // namespace

wire::Hello Replica::make_hello() const {
  wire::Hello h;
  h.volume = cfg_.volume;
  h.node = cfg_.node;
  h.size_bytes = size();
  h.role = static_cast<std::uint8_t>(role_);
  h.disk = static_cast<std::uint8_t>(disk_state_);
  h.flags = (crashed_primary_ ? wire::kHelloPrimaryCrashed : 0) | (discard_my_data_ ? wire::kHelloDiscardMyData : 0);
  h.gen = wire::GenIds{sb_.gen.current, sb_.gen.bitmap, sb_.gen.history[0], sb_.gen.history[1]};
  return h;
}

void Replica::link_up(Outbox& out) {
  if (conn_ == ConnState::standalone) {
    out.drop_link = "volume is StandAlone (drbdlite connect first)";
    return;
  }
  hello_sent_ = true;
  last_rx_ms_ = now_ms_;
  last_ping_ms_ = now_ms_;
  send(make_hello(), out);
}

void Replica::link_down(const std::string& reason, Outbox& out) {
  bool was_up = hello_received_;
  if (hello_sent_ || hello_received_) event(out, "link-down", {{"reason", reason}});
  abandon_in_flight(out);
  hello_sent_ = hello_received_ = false;
  plan_ = SyncPlan::none;
  bitmap_sent_ = peer_bitmap_done_ = false;
  peer_bitmap_bytes_.clear();
  rs_in_flight_.clear();
  rs_in_flight_bytes_ = 0;
  verify_in_flight_ = 0;
  set_peer(Role::unknown, DiskState::dunknown, out);
  if (was_up && role_ == Role::primary && sb_.gen.new_current(random_id_())) {
    // From now on this node writes what the peer does not have.
    if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
  }
  if (Status st = persist_bitmap(true); !st) fail_disk("bitmap write: " + st.message(), out);
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
          auto it = pending_.find(msg.seq);
          if (cfg_.protocol == 'B' && it != pending_.end() && !it->second.app_done) {
            it->second.app_done = true;
            complete_app_write(it->second.request, it->second.offset, it->second.length, false, out);
          }
        } else if constexpr (std::is_same_v<T, wire::Flush>) {
          std::int32_t err = 0;
          if (Status st = disk_.flush(); !st) {
            fail_disk("flush: " + st.message(), out);
            err = EIO;
          }
          send(wire::FlushAck{msg.seq, err}, out);
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
          on_rs_done(out);
        } else if constexpr (std::is_same_v<T, wire::VerifyReq>) {
          on_verify_req(msg, out);
        } else if constexpr (std::is_same_v<T, wire::VerifyReply>) {
          on_verify_reply(msg, out);
        } else if constexpr (std::is_same_v<T, wire::VerifyDone>) {
          set_conn(ConnState::connected, out);
          if (Status st = persist_bitmap(true); !st) fail_disk("bitmap write: " + st.message(), out);
          event(out, "verify-finished", {{"out_of_sync_kib", kib(verify_mismatch_)}});
        } else if constexpr (std::is_same_v<T, wire::Ping>) {
          send(wire::Pong{msg.cookie}, out);
        } else if constexpr (std::is_same_v<T, wire::Pong>) {
          // liveness only
        }
      },
      m);
}

void Replica::on_hello(const wire::Hello& h, Outbox& out) {
  if (h.volume != cfg_.volume) {
    refuse_peer("volume name mismatch: this node serves '" + cfg_.volume + "', the peer '" + h.volume + "'", out);
    return;
  }
  if (h.size_bytes != size()) {
    refuse_peer("size mismatch: " + std::to_string(size()) + " bytes on " + cfg_.node + ", " +
                    std::to_string(h.size_bytes) + " bytes on " + h.node,
                out);
    return;
  }
  peer_node_ = h.node;
  hello_received_ = true;
  if (!hello_sent_) {
    hello_sent_ = true;
    send(make_hello(), out);
  }
  set_peer(static_cast<Role>(h.role), static_cast<DiskState>(h.disk), out);
  if (role_ == Role::primary && peer_role_ == Role::primary) {
    refuse_peer("both nodes are Primary: refusing to connect (demote one; two Primaries are never allowed)", out);
    return;
  }
  peer_gen_.current = h.gen.current;
  peer_gen_.bitmap = h.gen.bitmap;
  peer_gen_.history = {h.gen.history0, h.gen.history1};
  peer_crashed_primary_ = (h.flags & wire::kHelloPrimaryCrashed) != 0;
  meta::SyncSide local{sb_.gen, crashed_primary_, discard_my_data_};
  meta::SyncSide peer{peer_gen_, peer_crashed_primary_, (h.flags & wire::kHelloDiscardMyData) != 0};
  meta::SyncDecision d = meta::decide_sync(local, peer);
  event(out, "sync-decision",
        {{"peer", peer_node_}, {"outcome", std::string(meta::to_string(d.outcome))}, {"reason", d.reason},
         {"local_gen", sb_.gen.to_string()}, {"peer_gen", peer_gen_.to_string()}});
  switch (d.outcome) {
    case meta::SyncOutcome::split_brain:
      event(out, "split-brain", {{"peer", peer_node_}, {"reason", d.reason}});
      refuse_peer("split brain detected: both nodes changed the data since they were last connected (" + d.reason +
                      "); replication stopped. Resolve with `drbdlite connect " + cfg_.volume +
                      " --discard-my-data` on the node whose changes are to be thrown away",
                  out);
      return;
    case meta::SyncOutcome::unrelated:
      refuse_peer("unrelated data: the two nodes share no data history (" + d.reason +
                      "); run `drbdlite invalidate " + cfg_.volume + "` on the node to overwrite",
                  out);
      return;
    case meta::SyncOutcome::both_fresh:
      set_conn(ConnState::connected, out);
      event(out, "both-fresh", {{"hint", "promote one node with `drbdlite primary " + cfg_.volume + " --force`"}});
      return;
    case meta::SyncOutcome::no_sync:
      plan_ = SyncPlan::none;
      break;
    case meta::SyncOutcome::full_sync_source:
      bm_.set_all();
      plan_ = SyncPlan::source;
      break;
    case meta::SyncOutcome::bitmap_sync_source:
      plan_ = SyncPlan::source;
      break;
    case meta::SyncOutcome::full_sync_target:
      bm_.set_all();
      plan_ = SyncPlan::target;
      break;
    case meta::SyncOutcome::bitmap_sync_target:
      plan_ = SyncPlan::target;
      break;
  }
  if (plan_ == SyncPlan::target && role_ == Role::primary) {
    refuse_peer("this node is Primary but its data is older than the peer's: refusing to become SyncTarget "
                "(demote it first)",
                out);
    return;
  }
  send_bitmap(out);
}

void Replica::on_peer_state(const wire::State& s, Outbox& out) {
  if (static_cast<Role>(s.role) == Role::primary && role_ == Role::primary) {
    // Both promoted at the same time, each before it heard of the other: neither may
    // replicate to the other. Drop the link; the next hello refuses, too.
    refuse_peer("both nodes are Primary: refusing to connect (demote one; two Primaries are never allowed)", out);
    return;
  }
  set_peer(static_cast<Role>(s.role), static_cast<DiskState>(s.disk), out);
}

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
  if (Status st = persist_bitmap(true); !st) {
    fail_disk("bitmap write: " + st.message(), out);
    return;
  }
  if (plan_ == SyncPlan::none && bm_.count_set() > 0) {
    // Same data version, but blocks are known to differ (a crash, or a verify found them):
    // the Primary's copy wins; between two Secondaries the lower node name does.
    bool source = role_ == Role::primary ||
                  (peer_role_ != Role::primary && cfg_.node < peer_node_ && disk_state_ == DiskState::uptodate);
    if (peer_role_ != Role::primary && role_ != Role::primary && disk_state_ != DiskState::uptodate &&
        peer_disk_ == DiskState::uptodate)
      source = false;
    plan_ = source ? SyncPlan::source : SyncPlan::target;
  }
  if (plan_ == SyncPlan::none) {
    set_conn(ConnState::connected, out);
    if (disk_state_ != DiskState::uptodate && peer_disk_ == DiskState::uptodate &&
        (disk_state_ == DiskState::outdated || disk_state_ == DiskState::consistent)) {
      set_disk(DiskState::uptodate, out);  // same version as an UpToDate peer
      if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
    }
    return;
  }
  begin_resync(out);
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

void Replica::pump_resync(Outbox& out) {
  if (conn_ != ConnState::sync_source) return;
  const std::uint64_t max_blocks = std::max<std::uint64_t>(1, cfg_.resync_chunk_bytes / meta::kBlockBytes);
  while (rs_in_flight_bytes_ < cfg_.resync_window_bytes && rs_tokens_ > 0) {
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

void Replica::on_rs_data(wire::RsData& d, Outbox& out) {
  if (conn_ != ConnState::sync_target || d.data.empty() || d.offset % meta::kBlockBytes != 0 || d.offset > size() ||
      d.data.size() > size() - d.offset) {
    refuse_peer("protocol error: unexpected resync data at offset " + std::to_string(d.offset), out);
    return;
  }
  std::int32_t err = 0;
  if (Status st = disk_.write(d.offset, d.data, false); !st) {
    fail_disk("resync write at " + std::to_string(d.offset) + ": " + st.message(), out);
    err = EIO;
  } else {
    std::uint64_t blocks = meta::div_round_up(d.data.size(), meta::kBlockBytes);
    bm_.clear_blocks(d.offset / meta::kBlockBytes, blocks);
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
  bm_.clear_blocks(a.offset / meta::kBlockBytes, blocks);
  rs_blocks_sent_ += blocks;
  rs_done_ += length;
  pump_resync(out);
}

void Replica::finish_resync_source(Outbox& out) {
  send(wire::RsDone{}, out);
  sb_.gen.finish_resync_as_source();
  if (Status st = persist_bitmap(true); !st) fail_disk("bitmap write: " + st.message(), out);
  if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
  plan_ = SyncPlan::none;
  std::uint64_t ms = now_ms_ - rs_start_ms_;
  event(out, "resync-finished",
        {{"peer", peer_node_}, {"direction", "source"}, {"kib", kib(rs_done_)}, {"ms", std::to_string(ms)}});
  set_conn(ConnState::connected, out);
}

void Replica::on_rs_done(Outbox& out) {
  if (conn_ != ConnState::sync_target) {
    refuse_peer("protocol error: rs_done outside a resync", out);
    return;
  }
  plan_ = SyncPlan::none;
  if (Status st = disk_.flush(); !st) {
    fail_disk("flush after resync: " + st.message(), out);
    return;
  }
  if (bm_.count_set() != 0) {
    event(out, "resync-incomplete", {{"out_of_sync_kib", kib(bm_.out_of_sync_bytes())}});
    set_conn(ConnState::connected, out);
    return;  // stays Inconsistent: never claim UpToDate with known differences
  }
  sb_.gen.finish_resync_as_target(peer_gen_);
  set_disk(DiskState::uptodate, out);
  if (Status st = persist_bitmap(true); !st) fail_disk("bitmap write: " + st.message(), out);
  if (Status st = persist_superblock(); !st) fail_disk("superblock write: " + st.message(), out);
  event(out, "resync-finished", {{"peer", peer_node_}, {"direction", "target"}, {"kib", kib(rs_done_)},
                                 {"ms", std::to_string(now_ms_ - rs_start_ms_)}});
  set_conn(ConnState::connected, out);
}

void Replica::pump_verify(Outbox& out) {
  while (conn_ == ConnState::verify_s && verify_in_flight_ < cfg_.verify_window && verify_cursor_ < size()) {
    std::uint64_t length = std::min<std::uint64_t>(cfg_.verify_chunk_bytes, size() - verify_cursor_);
    auto data = disk_.read(verify_cursor_, static_cast<std::uint32_t>(length));
    if (!data) {
      fail_disk("verify read: " + data.error(), out);
      set_conn(ConnState::connected, out);
      return;
    }
    send(wire::VerifyReq{verify_cursor_, static_cast<std::uint32_t>(length), sha256(*data)}, out);
    verify_cursor_ += length;
    ++verify_in_flight_;
  }
  if (conn_ == ConnState::verify_s && verify_cursor_ >= size() && verify_in_flight_ == 0) finish_verify(out);
}

void Replica::on_verify_req(const wire::VerifyReq& r, Outbox& out) {
  if (r.length == 0 || r.offset > size() || r.length > size() - r.offset) {
    refuse_peer("protocol error: verify request outside the device", out);
    return;
  }
  if (conn_ == ConnState::connected) {
    verify_done_bytes_ = 0;
    verify_mismatch_ = 0;
    rs_start_ms_ = now_ms_;
    set_conn(ConnState::verify_t, out);
  }
  auto data = disk_.read(r.offset, r.length);
  bool match = data && sha256(*data) == r.digest;
  if (!match) {
    bm_.set_range(r.offset, r.length);
    verify_mismatch_ += r.length;
    event(out, "verify-mismatch", {{"offset", std::to_string(r.offset)}, {"length", std::to_string(r.length)}});
  }
  verify_done_bytes_ += r.length;
  send(wire::VerifyReply{r.offset, r.length, match}, out);
}

void Replica::on_verify_reply(const wire::VerifyReply& r, Outbox& out) {
  if (conn_ != ConnState::verify_s || verify_in_flight_ == 0) return;
  --verify_in_flight_;
  verify_done_bytes_ += r.length;
  if (!r.match) {
    bm_.set_range(r.offset, r.length);
    verify_mismatch_ += r.length;
    event(out, "verify-mismatch", {{"offset", std::to_string(r.offset)}, {"length", std::to_string(r.length)}});
  }
  pump_verify(out);
}

void Replica::finish_verify(Outbox& out) {
  send(wire::VerifyDone{}, out);
  if (Status st = persist_bitmap(true); !st) fail_disk("bitmap write: " + st.message(), out);
  event(out, "verify-finished",
        {{"out_of_sync_kib", kib(verify_mismatch_)}, {"ms", std::to_string(now_ms_ - rs_start_ms_)},
         {"hint", verify_mismatch_ ? "disconnect and connect to resync the marked blocks" : "replicas identical"}});
  set_conn(ConnState::connected, out);
}

void Replica::tick(std::uint64_t now_ms, Outbox& out) {
  std::uint64_t dt = now_ms > last_tick_ms_ ? now_ms - last_tick_ms_ : 0;
  now_ms_ = now_ms;
  last_tick_ms_ = now_ms;
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
