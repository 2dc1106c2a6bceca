#include "hamail/drbdlite/core/after_split_brain.h"

namespace hamail::drbdlite {
namespace {

using V = SplitBrainVerdict;

struct Outcome {
  V verdict = V::disconnect;
  std::string reason;
};

// Equal counts: the node with the higher name loses (the lower one wins, as in break_tie()).
Outcome by_name(const SplitBrainSide& l, const SplitBrainSide& p, const std::string& why) {
  return {l.node > p.node ? V::local_loses : V::peer_loses, why + "; tie broken by node name (the higher loses)"};
}

Outcome zero_changes(const SplitBrainSide& l, const SplitBrainSide& p) {
  if (l.changed_blocks == 0 && p.changed_blocks == 0) return by_name(l, p, "neither side changed a block");
  if (p.changed_blocks == 0) return {V::peer_loses, "the peer changed no block"};
  if (l.changed_blocks == 0) return {V::local_loses, "this node changed no block"};
  return {V::disconnect, "both sides changed blocks"};
}

Outcome least_changes(const SplitBrainSide& l, const SplitBrainSide& p) {
  const std::string counts = std::to_string(l.changed_blocks) + " blocks here, " + std::to_string(p.changed_blocks) +
                             " on the peer";
  if (l.changed_blocks < p.changed_blocks) return {V::local_loses, "fewer changes here (" + counts + ")"};
  if (l.changed_blocks > p.changed_blocks) return {V::peer_loses, "fewer changes on the peer (" + counts + ")"};
  return by_name(l, p, "as many changes on both (" + counts + ")");
}

// after-sb-0pri. As DRBD: younger/older primary that cannot tell falls back to zero changes,
// then least changes.
Outcome zero_primaries(const SplitBrainPolicy& pol, const SplitBrainSide& l, const SplitBrainSide& p) {
  switch (pol.zero_primaries) {
    case AfterSb0::disconnect: return {V::disconnect, "the policy is to disconnect"};
    case AfterSb0::discard_node:
      if (l.node == pol.discard_node) return {V::local_loses, "this node is " + pol.discard_node};
      if (p.node == pol.discard_node) return {V::peer_loses, "the peer is " + pol.discard_node};
      return {V::disconnect, "neither node is " + pol.discard_node};
    case AfterSb0::discard_younger_primary:
    case AfterSb0::discard_older_primary: {
      const bool younger = pol.zero_primaries == AfterSb0::discard_younger_primary;
      if (l.diverged_as_primary != p.diverged_as_primary) {
        // The older Primary is the one that was Primary when the data diverged.
        const bool local_older = l.diverged_as_primary;
        const bool local_loses = younger ? !local_older : local_older;
        return {local_loses ? V::local_loses : V::peer_loses,
                std::string(local_loses ? "this node" : "the peer") + " is the " + (younger ? "younger" : "older") +
                    " Primary"};
      }
      Outcome z = zero_changes(l, p);
      if (z.verdict != V::disconnect) return {z.verdict, "no younger/older Primary to tell; " + z.reason};
      Outcome c = least_changes(l, p);
      return {c.verdict, "no younger/older Primary to tell; " + c.reason};
    }
    case AfterSb0::discard_zero_changes: return zero_changes(l, p);
    case AfterSb0::discard_least_changes: {
      Outcome z = zero_changes(l, p);
      return z.verdict != V::disconnect ? z : least_changes(l, p);
    }
  }
  return {V::disconnect, "unknown policy"};
}

SplitBrainDecision one_primary(const SplitBrainPolicy& pol, const SplitBrainSide& l, const SplitBrainSide& p) {
  SplitBrainDecision d;
  const V secondary_loses = l.primary ? V::peer_loses : V::local_loses;
  Outcome zero = zero_primaries(pol, l, p);
  switch (pol.one_primary) {
    case AfterSb1::disconnect: d.reason = "the policy is to disconnect"; break;
    case AfterSb1::discard_secondary:
      d.verdict = secondary_loses;
      d.reason = "the Secondary's changes are discarded";
      break;
    case AfterSb1::consensus:
      if (zero.verdict == secondary_loses) {
        d.verdict = secondary_loses;
        d.reason = "after_sb_0pri also discards the Secondary (" + zero.reason + ")";
      } else {
        d.reason = "after_sb_0pri would not discard the Secondary (" + zero.reason + ")";
      }
      break;
    case AfterSb1::call_pri_lost_after_sb:
      if (zero.verdict == secondary_loses) {
        d.verdict = secondary_loses;
        d.reason = "after_sb_0pri discards the Secondary (" + zero.reason + ")";
      } else if (zero.verdict != V::disconnect) {
        d.pri_lost_local = l.primary;
        d.reason = "after_sb_0pri discards the Primary (" + zero.reason + "): its pri-lost-after-sb handler runs";
      } else {
        d.reason = "after_sb_0pri decides nothing (" + zero.reason + ")";
      }
      break;
  }
  d.policy = "after_sb_1pri";
  return d;
}

SplitBrainDecision two_primaries(const SplitBrainPolicy& pol, const SplitBrainSide& l, const SplitBrainSide& p) {
  SplitBrainDecision d;
  d.policy = "after_sb_2pri";
  if (pol.two_primaries == AfterSb2::disconnect) {
    d.reason = "the policy is to disconnect";
    return d;
  }
  Outcome zero = zero_primaries(pol, l, p);
  if (zero.verdict == V::disconnect) {
    d.reason = "after_sb_0pri decides nothing (" + zero.reason + ")";
    return d;
  }
  // A Primary never becomes SyncTarget: the loser's handler (a reboot, say) resolves it.
  d.pri_lost_local = zero.verdict == V::local_loses;
  d.reason = std::string(d.pri_lost_local ? "this node" : "the peer") + " lost by after_sb_0pri (" + zero.reason +
             "): its pri-lost-after-sb handler runs";
  return d;
}

}  // namespace

SplitBrainDecision decide_after_split_brain(const SplitBrainPolicy& policy, const SplitBrainSide& local,
                                            const SplitBrainSide& peer) {
  const int primaries = static_cast<int>(local.primary) + static_cast<int>(peer.primary);
  SplitBrainDecision d;
  if (primaries == 0) {
    Outcome o = zero_primaries(policy, local, peer);
    d.verdict = o.verdict;
    d.reason = o.reason;
    d.policy = "after_sb_0pri";
  } else if (primaries == 1) {
    d = one_primary(policy, local, peer);
  } else {
    d = two_primaries(policy, local, peer);
  }
  d.policy += "=" + [&]() -> std::string {
    std::string all = policy.describe();  // "0pri=.. 1pri=.. 2pri=.."
    const std::string key = std::to_string(primaries) + "pri=";
    std::size_t at = all.find(key) + key.size();
    return all.substr(at, all.find(' ', at) - at);
  }();
  return d;
}

}  // namespace hamail::drbdlite
