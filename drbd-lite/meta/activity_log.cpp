#include "hamail/drbdlite/meta/activity_log.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace hamail::drbdlite::meta {
static_assert(kMaxAlExtents <= kMaxExtentsPerRecord, "a full active set must fit in one AL record");

namespace {

std::string n(std::uint64_t v) { return std::to_string(v); }

Status check_config(std::uint64_t data_bytes, std::uint32_t max_extents) {
  if (data_bytes == 0 || data_bytes % kBlockBytes != 0)
    return Error{"activity log: data size " + n(data_bytes) + " is not a non-zero multiple of 4096"};
  if (max_extents < kMinAlExtents || max_extents > kMaxAlExtents)
    return Error{"activity log: max_al_extents " + n(max_extents) + " is outside " + n(kMinAlExtents) + ".." +
                 n(kMaxAlExtents)};
  return Status::ok();
}

}  // namespace

Result<ActivityLog> ActivityLog::create(std::uint64_t data_bytes, std::uint32_t max_extents) {
  if (Status s = check_config(data_bytes, max_extents); !s) return Error{s.message()};
  return ActivityLog(data_bytes, max_extents);
}

Result<ActivityLog> ActivityLog::recover(std::uint64_t data_bytes, std::uint32_t max_extents, const AlTransaction& last) {
  if (Status s = check_config(data_bytes, max_extents); !s) return Error{s.message()};
  if (last.extents.size() > max_extents)
    return Error{"activity log: last transaction holds " + n(last.extents.size()) + " extents, more than max_al_extents " +
                 n(max_extents)};
  ActivityLog al(data_bytes, max_extents);
  for (std::uint32_t e : last.extents) {
    if (e >= extent_count_for(data_bytes)) return Error{"activity log: extent " + n(e) + " is past the end of the data area"};
    al.active_[e] = Entry{0, 0, true};
  }
  al.next_seq_ = last.seq + 1;
  return al;
}

Result<std::pair<std::uint32_t, std::uint32_t>> ActivityLog::extent_range(std::uint64_t offset, std::uint64_t len) const {
  if (offset > data_bytes_ || len > data_bytes_ - offset)
    return Error{"activity log: write [" + n(offset) + ", +" + n(len) + ") is outside the " + n(data_bytes_) + "-byte data area"};
  const std::uint32_t first = extent_of(offset);
  const std::uint32_t last = extent_of(offset + len - 1);
  if (last - first + 1 > max_extents_)
    return Error{"activity log: write of " + n(len) + " bytes spans " + n(last - first + 1) + " extents, more than max_al_extents " +
                 n(max_extents_)};
  return std::pair{first, last};
}

Result<ActivityLog::Begin> ActivityLog::begin_write(std::uint64_t offset, std::uint64_t len) {
  if (len == 0) return Begin{};
  auto range = extent_range(offset, len);
  if (!range) return Error{range.error()};
  const auto [first, last] = *range;

  std::vector<std::uint32_t> needed;
  for (std::uint32_t e = first; e <= last; ++e) {
    auto it = active_.find(e);
    if (it == active_.end()) needed.push_back(e);
    else if (!it->second.committed) return Begin{Kind::must_wait};  // its transaction is not durable yet
  }
  Begin out;
  if (!needed.empty()) {
    if (pending_seq_) return Begin{Kind::must_wait};
    const std::size_t room = max_extents_ - active_.size();
    if (needed.size() > room) {
      // Least recently used idle extents, never those this write touches.
      std::vector<std::pair<std::uint64_t, std::uint32_t>> idle;
      for (const auto& [e, entry] : active_)
        if (entry.refs == 0 && (e < first || e > last)) idle.emplace_back(entry.last_use, e);
      const std::size_t evict = needed.size() - room;
      if (idle.size() < evict) return Begin{Kind::must_wait};
      std::partial_sort(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(evict), idle.end());
      for (std::size_t i = 0; i < evict; ++i) {
        out.evicted.push_back(idle[i].second);
        active_.erase(idle[i].second);
      }
      std::sort(out.evicted.begin(), out.evicted.end());
    }
    for (std::uint32_t e : needed) active_[e] = Entry{0, 0, false};
    out.kind = Kind::needs_transaction;
    out.added = std::move(needed);
    pending_seq_ = next_seq_++;
    out.transaction = AlTransaction{*pending_seq_, active_extents()};
  }
  ++clock_;
  for (std::uint32_t e = first; e <= last; ++e) {
    auto it = active_.find(e);
    assert(it != active_.end());
    ++it->second.refs;
    it->second.last_use = clock_;
  }
  assert(active_.size() <= max_extents_);
  return out;
}

void ActivityLog::commit_transaction(std::uint64_t seq) {
  assert(pending_seq_ && *pending_seq_ == seq);
  (void)seq;
  for (auto& [e, entry] : active_) entry.committed = true;
  pending_seq_.reset();
}

void ActivityLog::end_write(std::uint64_t offset, std::uint64_t len) {
  if (len == 0) return;
  assert(offset <= data_bytes_ && len <= data_bytes_ - offset);
  for (std::uint32_t e = extent_of(offset); e <= extent_of(offset + len - 1); ++e) {
    auto it = active_.find(e);
    assert(it != active_.end() && it->second.refs > 0);
    --it->second.refs;
  }
}

std::vector<std::uint32_t> ActivityLog::active_extents() const {
  std::vector<std::uint32_t> out;
  out.reserve(active_.size());
  for (const auto& [e, entry] : active_) out.push_back(e);
  std::sort(out.begin(), out.end());
  return out;
}

std::uint32_t ActivityLog::in_flight(std::uint32_t extent) const {
  auto it = active_.find(extent);
  return it == active_.end() ? 0 : it->second.refs;
}

void ActivityLog::mark_active_extents_out_of_sync(Bitmap& bm) const {
  assert(bm.data_bytes() == data_bytes_);
  for (const auto& [e, entry] : active_) {
    const std::uint64_t first = std::uint64_t{e} * kBlocksPerExtent;
    bm.set_blocks(first, std::min(kBlocksPerExtent, bm.block_count() - first));
  }
}

}  // namespace hamail::drbdlite::meta
