#include "hamail/drbdlite/core/policy.h"

#include <array>
#include <utility>

namespace hamail::drbdlite {
namespace {

constexpr std::array<std::pair<Fencing, std::string_view>, 3> kFencing = {{
    {Fencing::dont_care, "dont-care"}, {Fencing::resource_only, "resource-only"},
    {Fencing::resource_and_stonith, "resource-and-stonith"},
}};
constexpr std::array<std::pair<AfterSb0, std::string_view>, 5> kZero = {{
    {AfterSb0::disconnect, "disconnect"}, {AfterSb0::discard_younger_primary, "discard-younger-primary"},
    {AfterSb0::discard_older_primary, "discard-older-primary"}, {AfterSb0::discard_zero_changes, "discard-zero-changes"},
    {AfterSb0::discard_least_changes, "discard-least-changes"},
}};
constexpr std::string_view kDiscardNode = "discard-node-";
constexpr std::array<std::pair<AfterSb1, std::string_view>, 4> kOne = {{
    {AfterSb1::disconnect, "disconnect"}, {AfterSb1::consensus, "consensus"},
    {AfterSb1::discard_secondary, "discard-secondary"}, {AfterSb1::call_pri_lost_after_sb, "call-pri-lost-after-sb"},
}};
constexpr std::array<std::pair<AfterSb2, std::string_view>, 2> kTwo = {{
    {AfterSb2::disconnect, "disconnect"}, {AfterSb2::call_pri_lost_after_sb, "call-pri-lost-after-sb"},
}};

template <class E, std::size_t N>
std::optional<E> find(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [e, name] : table)
    if (name == s) return e;
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [x, name] : table)
    if (x == e) return name;
  return "?";
}

}  // namespace

std::optional<Fencing> parse_fencing(std::string_view s) { return find(kFencing, s); }
std::string_view to_string(Fencing f) { return name_of(kFencing, f); }

std::optional<SplitBrainPolicy> parse_split_brain_policy(std::string_view zero, std::string_view one,
                                                         std::string_view two) {
  SplitBrainPolicy p;
  if (zero.substr(0, kDiscardNode.size()) == kDiscardNode && zero.size() > kDiscardNode.size()) {
    p.zero_primaries = AfterSb0::discard_node;
    p.discard_node = std::string(zero.substr(kDiscardNode.size()));
  } else if (auto z = find(kZero, zero)) {
    p.zero_primaries = *z;
  } else {
    return std::nullopt;
  }
  auto o = find(kOne, one);
  auto t = find(kTwo, two);
  if (!o || !t) return std::nullopt;
  p.one_primary = *o;
  p.two_primaries = *t;
  return p;
}

std::string SplitBrainPolicy::describe() const {
  std::string zero = zero_primaries == AfterSb0::discard_node ? std::string(kDiscardNode) + discard_node
                                                               : std::string(name_of(kZero, zero_primaries));
  return "0pri=" + zero + " 1pri=" + std::string(name_of(kOne, one_primary)) +
         " 2pri=" + std::string(name_of(kTwo, two_primaries));
}

std::string_view to_string(Handler h) {
  switch (h) {
    case Handler::split_brain: return "split-brain";
    case Handler::fence_peer: return "fence-peer";
    case Handler::unfence_peer: return "unfence-peer";
    case Handler::pri_lost_after_sb: return "pri-lost-after-sb";
    case Handler::after_resync_target: return "after-resync-target";
  }
  return "?";
}

bool fence_succeeded(const HandlerResult& r) {
  return !r.timed_out && (r.exit_code == kFencePeerOutdated || r.exit_code == kFencePeerDown ||
                          r.exit_code == kFencePeerFenced);
}

std::string describe_fence_result(const HandlerResult& r) {
  std::string what;
  if (r.timed_out) {
    what = "timed out (killed)";
  } else if (r.exit_code < 0) {
    what = "did not run to its end";
  } else {
    what = "exit " + std::to_string(r.exit_code);
    switch (r.exit_code) {
      case kFencePeerOutdated: what += ": the peer is outdated"; break;
      case kFencePeerDown: what += ": the peer is down"; break;
      case kFencePeerFenced: what += ": the peer was fenced (STONITH)"; break;
      default: what += ": not 4 (outdated), 5 (down) or 7 (fenced)"; break;
    }
  }
  if (!r.detail.empty()) what += " (" + r.detail + ")";
  return what;
}

}  // namespace hamail::drbdlite
