// The automatic after-split-brain policies (DRBD's after-sb-0pri/1pri/2pri): which side's
// changes are thrown away, or none (disconnect). Both nodes decide with the same facts, the
// two hellos, so they always agree: decide(a, b) is the mirror of decide(b, a).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hamail/drbdlite/core/policy.h"

namespace hamail::drbdlite {

struct SplitBrainSide {
  std::string_view node;            // distinct on the two sides
  bool primary = false;             // Primary now
  bool diverged_as_primary = false; // was Primary when the data diverged (lost its peer as Primary)
  std::uint64_t changed_blocks = 0; // 4 KiB blocks its bitmap names
};

enum class SplitBrainVerdict { disconnect, local_loses, peer_loses };

struct SplitBrainDecision {
  SplitBrainVerdict verdict = SplitBrainVerdict::disconnect;
  std::string policy;                 // the policy that applied, e.g. "after_sb_0pri=discard-least-changes"
  std::string reason;                 // why this verdict, in plain words
  bool pri_lost_local = false;        // this Primary lost: run its pri-lost-after-sb handler
};

SplitBrainDecision decide_after_split_brain(const SplitBrainPolicy& policy, const SplitBrainSide& local,
                                            const SplitBrainSide& peer);

}  // namespace hamail::drbdlite
