// Which side sends when two replicas hold the same data version but their bitmaps say blocks
// differ (after a crash, a verify, a write the peer failed). Both nodes decide with the same
// inputs, each side's role and disk as their hellos said, so exactly one is SyncSource.
#pragma once

#include <string_view>

#include "hamail/drbdlite/core/states.h"

namespace hamail::drbdlite {

struct TieBreakSide {
  Role role = Role::secondary;
  DiskState disk = DiskState::dunknown;
  std::string_view node;  // the node's name: distinct on the two sides
};

enum class TieBreak { local_source, peer_source, no_source };

// In order: the Primary's copy wins (it is what the application sees), if it is usable;
// else the better disk (UpToDate, then Consistent, then Outdated); between equal disks the
// lower node name. A side whose disk is none of these never sends: with no such side (both
// Inconsistent, say) nothing is resynced. A Failed disk never receives: it is repaired by a
// restart of its volume, not by a resync into it.
TieBreak break_tie(const TieBreakSide& local, const TieBreakSide& peer);

}  // namespace hamail::drbdlite
