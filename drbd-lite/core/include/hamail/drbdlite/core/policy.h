// A volume's fencing and after-split-brain policies, with DRBD's names and meaning, and the
// handlers (configured commands) the core asks its shell to run: the core decides, the
// shell (drbdlited, or the simulator) runs them and reports a fence-peer's answer back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hamail::drbdlite {

// What a Primary does when it loses its peer (and what a promotion needs while the peer is unreachable).
enum class Fencing : std::uint8_t {
  dont_care,             // nothing: writes go on locally, a disconnected Secondary may be promoted
  resource_only,         // fence-peer is asked to outdate the peer; I/O goes on
  resource_and_stonith,  // I/O frozen (held, not failed) until fence-peer reports the peer outdated, down or fenced
};

enum class AfterSb0 : std::uint8_t {
  disconnect, discard_younger_primary, discard_older_primary, discard_zero_changes, discard_least_changes, discard_node
};
enum class AfterSb1 : std::uint8_t { disconnect, consensus, discard_secondary, call_pri_lost_after_sb };
enum class AfterSb2 : std::uint8_t { disconnect, call_pri_lost_after_sb };

struct SplitBrainPolicy {
  AfterSb0 zero_primaries = AfterSb0::disconnect;
  std::string discard_node;  // AfterSb0::discard_node: the node whose changes are thrown away
  AfterSb1 one_primary = AfterSb1::disconnect;
  AfterSb2 two_primaries = AfterSb2::disconnect;
  // "0pri=discard-node-b 1pri=disconnect 2pri=disconnect": both nodes must use the same (checked at connect).
  std::string describe() const;
};

std::optional<Fencing> parse_fencing(std::string_view s);
std::string_view to_string(Fencing f);
// cluster.yaml's after_sb_0pri / 1pri / 2pri values; nothing when one is not a policy.
std::optional<SplitBrainPolicy> parse_split_brain_policy(std::string_view zero, std::string_view one,
                                                         std::string_view two);

enum class Handler : std::uint8_t { split_brain, fence_peer, unfence_peer, pri_lost_after_sb, after_resync_target };
std::string_view to_string(Handler h);  // "fence-peer", as DRBD names them

// A handler to run now. Only fence-peer's answer goes back to the core (Replica::fence_peer_done).
struct HandlerRequest {
  std::uint64_t id = 0;
  Handler handler = Handler::split_brain;
};

struct HandlerResult {
  int exit_code = -1;      // -1: did not exit normally (killed, timed out, could not start)
  bool timed_out = false;
  std::string detail;      // "killed by signal 9 after a timeout", "no such program", ...
};

// fence-peer's exit codes that let a frozen Primary resume (DRBD's): the peer is outdated,
// down, or fenced (STONITH). Anything else is a failure: I/O stays frozen and it is retried.
inline constexpr int kFencePeerOutdated = 4;
inline constexpr int kFencePeerDown = 5;
inline constexpr int kFencePeerFenced = 7;
bool fence_succeeded(const HandlerResult& r);
std::string describe_fence_result(const HandlerResult& r);  // "exit 7: the peer was fenced (STONITH)"

}  // namespace hamail::drbdlite
