// Generation identifiers (DRBD's "UUIDs"): random 64-bit ids that name a version of
// the data, and decide_sync(), which compares both nodes' ids at connect to choose
// no sync, a bitmap-based or full resync (and its direction), or to refuse.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hamail::drbdlite::meta {

// An id of 0 means "none". A fresh device (just after create-md) has current == 0.
//   current   the data version this node holds (or, while Primary, is writing).
//   bitmap    the version the peer was last known to have; the bitmap records every
//             block changed since then. 0 when not tracking (connected, in sync).
//   history   older bitmap ids, newest first; they let a node recognise a data version
//             it descends from after the bitmap was cleared.
// Ids are chosen by the caller (random, never 0): the library keeps no RNG state.
struct GenerationIds {
  std::uint64_t current = 0;
  std::uint64_t bitmap = 0;
  std::array<std::uint64_t, 2> history{};

  bool fresh() const { return current == 0; }
  bool operator==(const GenerationIds&) const = default;

  // Start a new data version, because writes are about to happen that the peer will
  // not get: on promotion while the peer is unreachable, when a Primary loses its peer,
  // and on `primary --force`. The old current becomes the bitmap id, so the bitmap
  // tracks every write from here on. If a bitmap id is already set we diverged from the
  // peer earlier and the bitmap already tracks since its version: nothing changes and
  // this returns false. `fresh_id` must be non-zero (the caller draws it at random).
  bool new_current(std::uint64_t fresh_id);
  // A completed resync as source: the peer now has our current, stop tracking.
  // The bitmap id moves into history so later connects still recognise it.
  void finish_resync_as_source();
  // A completed resync as target: we now hold exactly the source's data version.
  void finish_resync_as_target(const GenerationIds& source);
  // Operator discards this node's data (`invalidate`, new metadata): becomes fresh.
  void forget() { *this = GenerationIds{}; }

  std::string to_string() const;  // "C:1a2b.. B:0 H:..:.." for logs and status
};

enum class SyncOutcome {
  no_sync,             // same data version: just connect
  bitmap_sync_source,  // send the blocks set in (our | peer's) bitmap
  bitmap_sync_target,  // receive them
  full_sync_source,    // send every block
  full_sync_target,    // receive every block
  both_fresh,          // nobody has data yet: `primary --force` on one node first
  split_brain,         // both changed the data independently: stop and tell the operator
  unrelated,           // no common history: refuse to connect
};

std::string_view to_string(SyncOutcome o);

// What each side reports at connect.
struct SyncSide {
  GenerationIds ids;
  bool crashed_primary = false;  // was Primary and did not demote cleanly (AL extents marked)
  bool discard_my_data = false;  // operator resolving a split brain: this side loses
};

struct SyncDecision {
  SyncOutcome outcome = SyncOutcome::unrelated;
  std::string reason;  // the rule that fired, in plain words, for the log
};

// The rules, checked in this order (l = local, p = peer):
//  1. both fresh                        -> both_fresh
//  2. l fresh, p has data               -> full_sync_target (a fresh device holds nothing)
//     p fresh, l has data               -> full_sync_source
//  3. l.current == p.current            -> no_sync, unless one side crashed as Primary:
//     its activity-log extents may hold writes the other never got, so that side is
//     bitmap_sync_source (both crashed: split_brain, nobody can tell which is right)
//  4. p.bitmap == l.current             -> bitmap_sync_target (peer wrote since our version)
//     l.bitmap == p.current             -> bitmap_sync_source (we wrote since peer's version)
//  5. l.current in p.history            -> full_sync_target (peer is far ahead: our version
//                                          is older than its bitmap covers)
//     p.current in l.history            -> full_sync_source
//  6. l.bitmap == p.bitmap != 0         -> split_brain (both wrote since the common version;
//                                          a bitmap sync can repair it once one side discards)
//     any history/bitmap id in common   -> split_brain (common ancestor; only a full sync repairs)
//  7. otherwise                         -> unrelated
// A split brain with exactly one side flagged discard_my_data becomes a sync with that
// side as target: bitmap-based when the bitmap ids match (rule 6a), full otherwise.
SyncDecision decide_sync(const SyncSide& local, const SyncSide& peer);
SyncDecision decide_sync(const GenerationIds& local, const GenerationIds& peer);

}  // namespace hamail::drbdlite::meta
