#include "hamail/drbdlite/meta/generation.h"

#include <cassert>
#include <cstdio>

#include "hamail/drbdlite/meta/hex.h"

namespace hamail::drbdlite::meta {
namespace {

bool in_history(std::uint64_t id, const GenerationIds& g) {
  return id != 0 && (g.history[0] == id || g.history[1] == id);
}

// Any non-zero bitmap or history id of one side among the other's bitmap/history ids.
bool share_ancestor(const GenerationIds& a, const GenerationIds& b) {
  for (std::uint64_t x : {a.bitmap, a.history[0], a.history[1]}) {
    if (x == 0) continue;
    if (x == b.bitmap || in_history(x, b)) return true;
  }
  return false;
}

SyncDecision decided(SyncOutcome o, std::string reason) { return SyncDecision{o, std::move(reason)}; }

// Rule 6 with one side flagged discard_my_data: that side becomes the target.
SyncDecision split_brain(const SyncSide& l, const SyncSide& p, bool bitmaps_match, std::string reason) {
  if (l.discard_my_data != p.discard_my_data) {
    const bool we_lose = l.discard_my_data;
    std::string who = we_lose ? "this node" : "the peer";
    if (bitmaps_match)
      return decided(we_lose ? SyncOutcome::bitmap_sync_target : SyncOutcome::bitmap_sync_source,
                     reason + "; resolved: " + who + " discards its changes (bitmap sync)");
    return decided(we_lose ? SyncOutcome::full_sync_target : SyncOutcome::full_sync_source,
                   reason + "; resolved: " + who + " discards its data (full sync)");
  }
  return decided(SyncOutcome::split_brain, reason);
}

}  // namespace

bool GenerationIds::new_current(std::uint64_t fresh_id) {
  assert(fresh_id != 0 && fresh_id != current && fresh_id != bitmap);
  if (bitmap != 0) return false;
  bitmap = current;
  current = fresh_id;
  return true;
}

void GenerationIds::finish_resync_as_source() {
  if (bitmap == 0) return;
  history[1] = history[0];
  history[0] = bitmap;
  bitmap = 0;
}

void GenerationIds::finish_resync_as_target(const GenerationIds& source) {
  GenerationIds s = source;
  s.finish_resync_as_source();
  *this = s;
}

std::string GenerationIds::to_string() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "C:%016llx B:%016llx H:%016llx:%016llx", static_cast<unsigned long long>(current),
                static_cast<unsigned long long>(bitmap), static_cast<unsigned long long>(history[0]),
                static_cast<unsigned long long>(history[1]));
  return buf;
}

std::string_view to_string(SyncOutcome o) {
  switch (o) {
    case SyncOutcome::no_sync: return "no_sync";
    case SyncOutcome::bitmap_sync_source: return "bitmap_sync_source";
    case SyncOutcome::bitmap_sync_target: return "bitmap_sync_target";
    case SyncOutcome::full_sync_source: return "full_sync_source";
    case SyncOutcome::full_sync_target: return "full_sync_target";
    case SyncOutcome::both_fresh: return "both_fresh";
    case SyncOutcome::split_brain: return "split_brain";
    case SyncOutcome::unrelated: return "unrelated";
  }
  return "unknown";
}

SyncDecision decide_sync(const SyncSide& l, const SyncSide& p) {
  const GenerationIds& a = l.ids;
  const GenerationIds& b = p.ids;
  // 1, 2: fresh devices.
  if (a.fresh() && b.fresh())
    return decided(SyncOutcome::both_fresh, "both devices are fresh: run `primary --force` on the node whose data to keep");
  if (a.fresh()) return decided(SyncOutcome::full_sync_target, "this device is fresh, the peer has data");
  if (b.fresh()) return decided(SyncOutcome::full_sync_source, "the peer's device is fresh, this node has data");
  // 3: same data version.
  if (a.current == b.current) {
    if (l.crashed_primary && p.crashed_primary)
      return decided(SyncOutcome::split_brain, "same data version but both nodes crashed as Primary");
    if (l.crashed_primary)
      return decided(SyncOutcome::bitmap_sync_source, "same data version; this node crashed as Primary: resync its activity-log extents");
    if (p.crashed_primary)
      return decided(SyncOutcome::bitmap_sync_target, "same data version; the peer crashed as Primary: resync its activity-log extents");
    return decided(SyncOutcome::no_sync, "same data version");
  }
  // 4: one side wrote since the other's version, which its bitmap tracks.
  if (b.bitmap == a.current) return decided(SyncOutcome::bitmap_sync_target, "the peer wrote since our data version (peer bitmap id = our current id)");
  if (a.bitmap == b.current) return decided(SyncOutcome::bitmap_sync_source, "we wrote since the peer's data version (our bitmap id = peer current id)");
  // 5: one side is an older version of the other, beyond what a bitmap covers.
  if (in_history(a.current, b)) return decided(SyncOutcome::full_sync_target, "our data version is in the peer's history: full sync from the peer");
  if (in_history(b.current, a)) return decided(SyncOutcome::full_sync_source, "the peer's data version is in our history: full sync to the peer");
  // 6: both changed since a common version.
  if (a.bitmap != 0 && a.bitmap == b.bitmap)
    return split_brain(l, p, true, "split brain: both nodes wrote since the common data version " + hex(a.bitmap));
  if (share_ancestor(a, b)) return split_brain(l, p, false, "split brain: both nodes changed the data since a common ancestor");
  // 7.
  return decided(SyncOutcome::unrelated, "no common data history: refusing to connect (" + a.to_string() + " vs " + b.to_string() + ")");
}

SyncDecision decide_sync(const GenerationIds& local, const GenerationIds& peer) {
  return decide_sync(SyncSide{local}, SyncSide{peer});
}

}  // namespace hamail::drbdlite::meta
