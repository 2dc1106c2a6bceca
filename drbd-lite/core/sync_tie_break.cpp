#include "hamail/drbdlite/core/sync_tie_break.h"

namespace hamail::drbdlite {
namespace {

// How good a copy a disk in this state holds; 0: not a usable source.
int rank(DiskState d) {
  switch (d) {
    case DiskState::uptodate: return 3;
    case DiskState::consistent: return 2;
    case DiskState::outdated: return 1;
    default: return 0;
  }
}

TieBreak by_role_and_disk(const TieBreakSide& local, const TieBreakSide& peer) {
  const bool lp = local.role == Role::primary, pp = peer.role == Role::primary;
  if (lp && pp) return TieBreak::no_source;  // never connected: refused before
  if (lp != pp) {
    const TieBreakSide& primary = lp ? local : peer;
    if (rank(primary.disk) == 0) return TieBreak::no_source;
    return lp ? TieBreak::local_source : TieBreak::peer_source;
  }
  const int l = rank(local.disk), p = rank(peer.disk);
  if (l == 0 && p == 0) return TieBreak::no_source;
  if (l != p) return l > p ? TieBreak::local_source : TieBreak::peer_source;
  if (local.node == peer.node) return TieBreak::no_source;
  return local.node < peer.node ? TieBreak::local_source : TieBreak::peer_source;
}

}  // namespace

TieBreak break_tie(const TieBreakSide& local, const TieBreakSide& peer) {
  const TieBreak t = by_role_and_disk(local, peer);
  const DiskState target = t == TieBreak::local_source ? peer.disk : local.disk;
  if (t != TieBreak::no_source && target == DiskState::failed) return TieBreak::no_source;
  return t;
}

}  // namespace hamail::drbdlite
