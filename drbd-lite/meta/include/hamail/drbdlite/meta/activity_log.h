// The activity log (AL): the bounded set of 4 MiB extents that may have writes in
// flight. It is on disk before any write to an extent is issued, so after a Primary
// crash only these extents need resync. LRU eviction; busy extents are never evicted.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/al_record.h"
#include "hamail/drbdlite/meta/bitmap.h"
#include "hamail/drbdlite/meta/superblock.h"

namespace hamail::drbdlite::meta {

// How the daemon uses it, per application write:
//   begin_write(offset, len) ->
//     ready:             issue the data write.
//     must_wait:         nothing changed; retry after the next end_write / commit_transaction.
//     needs_transaction: 1. write the bitmap pages of `evicted` extents (page_of_extent),
//                           if dirty, and flush: once evicted, a crash no longer marks them;
//                        2. write `transaction` (encode_al_record) to its ring slot, flush;
//                        3. commit_transaction(seq); 4. issue the data write.
//   data write completed -> end_write(offset, len).
// One transaction is in flight at a time; meanwhile writes to committed extents proceed.
// A failed AL write fails the disk (detach); this object is then discarded.
class ActivityLog {
 public:
  static Result<ActivityLog> create(std::uint64_t data_bytes, std::uint32_t max_extents = kDefaultMaxAlExtents);
  // After attach: the extents of the last committed transaction (recover_al) are active
  // again, and the next transaction continues the sequence.
  static Result<ActivityLog> recover(std::uint64_t data_bytes, std::uint32_t max_extents, const AlTransaction& last);

  enum class Kind { ready, needs_transaction, must_wait };
  struct Begin {
    Kind kind = Kind::ready;
    AlTransaction transaction;            // needs_transaction: the complete new active set
    std::vector<std::uint32_t> added;     // extents that become active with it
    std::vector<std::uint32_t> evicted;   // extents leaving (least recently used, idle)
  };

  // Fails only for a range outside the data area or spanning more than max_extents.
  Result<Begin> begin_write(std::uint64_t offset, std::uint64_t len);
  void commit_transaction(std::uint64_t seq);
  void end_write(std::uint64_t offset, std::uint64_t len);

  std::vector<std::uint32_t> active_extents() const;  // sorted, including a pending transaction's
  bool transaction_pending() const { return pending_seq_.has_value(); }
  std::uint32_t in_flight(std::uint32_t extent) const;
  std::uint32_t max_extents() const { return max_extents_; }
  std::uint64_t next_seq() const { return next_seq_; }

  // Crash recovery: every block of every active extent becomes out of sync.
  void mark_active_extents_out_of_sync(Bitmap& bm) const;

  static constexpr std::uint32_t extent_of(std::uint64_t offset) {
    return static_cast<std::uint32_t>(offset / kAlExtentBytes);
  }
  static constexpr std::uint64_t page_of_extent(std::uint32_t extent) {
    return Bitmap::page_of_block(std::uint64_t{extent} * kBlocksPerExtent);
  }

 private:
  struct Entry {
    std::uint32_t refs = 0;      // writes in flight
    std::uint64_t last_use = 0;  // LRU clock
    bool committed = false;      // on disk in a committed transaction
  };
  ActivityLog(std::uint64_t data_bytes, std::uint32_t max_extents) : data_bytes_(data_bytes), max_extents_(max_extents) {}
  Result<std::pair<std::uint32_t, std::uint32_t>> extent_range(std::uint64_t offset, std::uint64_t len) const;

  std::uint64_t data_bytes_;
  std::uint32_t max_extents_;
  std::unordered_map<std::uint32_t, Entry> active_;  // at most max_extents_ entries
  std::uint64_t clock_ = 0;
  std::uint64_t next_seq_ = 1;
  std::optional<std::uint64_t> pending_seq_;
};

}  // namespace hamail::drbdlite::meta
