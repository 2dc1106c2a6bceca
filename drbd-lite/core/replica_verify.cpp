// Replica: online verify. The VerifyS side hashes its data in chunks and sends the digests
// (a bounded window of requests); the peer compares with its own and answers; both mark the
// chunks that differ, which the next connect resyncs (as DRBD's `verify`).
#include <openssl/evp.h>

#include <algorithm>

#include "hamail/drbdlite/core/replica.h"

namespace hamail::drbdlite {
namespace {

std::array<std::uint8_t, 32> sha256(const std::string& data) {
  std::array<std::uint8_t, 32> out{};
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

}  // namespace

Status Replica::start_verify(Outbox& out) {
  if (conn_ != ConnState::connected)
    return Error{cfg_.volume + ": cannot verify: the link is " + std::string(to_string(conn_)) + " (need Connected)"};
  if (disk_state_ != DiskState::uptodate || peer_disk_ != DiskState::uptodate)
    return Error{cfg_.volume + ": cannot verify: both disks must be UpToDate"};
  verify_cursor_ = 0;
  verify_in_flight_.clear();
  verify_done_bytes_ = 0;
  verify_mismatch_ = 0;
  rs_start_ms_ = now_ms_;
  set_conn(ConnState::verify_s, out);
  event(out, "verify-started", {{"size_kib", std::to_string(size() >> 10)}});
  pump_verify(out);
  return Status::ok();
}

void Replica::pump_verify(Outbox& out) {
  while (conn_ == ConnState::verify_s && verify_in_flight_.size() < cfg_.verify_window && verify_cursor_ < size()) {
    const auto length = static_cast<std::uint32_t>(std::min<std::uint64_t>(cfg_.verify_chunk_bytes, size() - verify_cursor_));
    auto data = disk_.read(verify_cursor_, length);
    if (!data) {
      fail_disk("verify read: " + data.error(), out);
      set_conn(ConnState::connected, out);
      return;
    }
    send(wire::VerifyReq{verify_cursor_, length, sha256(*data)}, out);
    verify_in_flight_[verify_cursor_] = length;
    verify_cursor_ += length;
  }
  if (conn_ == ConnState::verify_s && verify_cursor_ >= size() && verify_in_flight_.empty()) finish_verify(out);
}

// The peer chooses how much this node reads and hashes at once: at most kMaxVerifyBytes.
void Replica::on_verify_req(const wire::VerifyReq& r, Outbox& out) {
  if (r.length == 0 || r.length > wire::kMaxVerifyBytes) {
    refuse_peer("protocol error: verify request of " + std::to_string(r.length) + " bytes (at most " +
                    std::to_string(wire::kMaxVerifyBytes) + ")",
                out);
    return;
  }
  if (r.offset > size() || r.length > size() - r.offset) {
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

// Only an answer to a request this node sent counts: its offset and length are ours.
void Replica::on_verify_reply(const wire::VerifyReply& r, Outbox& out) {
  auto it = verify_in_flight_.find(r.offset);
  if (conn_ != ConnState::verify_s || it == verify_in_flight_.end() || it->second != r.length) {
    refuse_peer("protocol error: verify reply for " + std::to_string(r.length) + " bytes at " +
                    std::to_string(r.offset) + ", which this node did not ask for",
                out);
    return;
  }
  verify_in_flight_.erase(it);
  verify_done_bytes_ += r.length;
  if (!r.match) {
    bm_.set_range(r.offset, r.length);
    verify_mismatch_ += r.length;
    event(out, "verify-mismatch", {{"offset", std::to_string(r.offset)}, {"length", std::to_string(r.length)}});
  }
  pump_verify(out);
}

void Replica::on_verify_done(Outbox& out) {
  set_conn(ConnState::connected, out);
  if (Status st = persist_bitmap(); !st) fail_disk("bitmap write: " + st.message(), out);
  event(out, "verify-finished", {{"out_of_sync_kib", std::to_string(verify_mismatch_ >> 10)}});
}

void Replica::finish_verify(Outbox& out) {
  send(wire::VerifyDone{}, out);
  if (Status st = persist_bitmap(); !st) fail_disk("bitmap write: " + st.message(), out);
  event(out, "verify-finished",
        {{"out_of_sync_kib", std::to_string(verify_mismatch_ >> 10)}, {"ms", std::to_string(now_ms_ - rs_start_ms_)},
         {"hint", verify_mismatch_ ? "disconnect and connect to resync the marked blocks" : "replicas identical"}});
  set_conn(ConnState::connected, out);
}

}  // namespace hamail::drbdlite
