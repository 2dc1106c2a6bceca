// SimCpg: Corosync's CPG group as the simulator's nodes see it, with virtual synchrony
// kept: every item (message or view change) is appended to the inboxes of all members of
// the sender's view in one sequence, so members deliver the same items in the same order;
// each member delivers at its own pace (seeded delays) but never out of order. While the
// ring reforms (a partition, a power cut, a heal) sends are held and ordered in the next
// view of the sender's side; at a reform each survivor keeps a seeded prefix of what it has
// not delivered yet (never less than its own messages), then the new view.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::hacore::sim {

class SimCpg {
 public:
  struct Item {
    bool is_view = false;
    std::uint32_t from = 0;                  // a message's sender
    std::string bytes;
    std::vector<std::uint32_t> members;      // a view's members
    std::int64_t due_ms = 0;
  };
  // below(n): a seeded draw in [0, n) (n > 0).
  using Draw = std::function<std::uint64_t(std::uint64_t)>;
  static constexpr std::size_t kMaxQueued = 1024;  // as CpgChannel's bounded send queue

  explicit SimCpg(Draw draw) : draw_(std::move(draw)) {}
  void set_max_delay_ms(std::int64_t ms) { max_delay_ms_ = ms; }

  // The ring stops ordering (a partition, a power cut, a heal): sends are held until reform().
  void ring_broken() { reforming_ = true; }
  bool reforming() const { return reforming_; }
  // The ring formed again as `components` (sets of powered nodes that reach each other):
  // survivors of a break keep a seeded prefix of their inboxes (`cut`), every member of
  // each component's group gets its new view, then the held messages of its side.
  void reform(const std::vector<std::set<std::uint32_t>>& components, std::int64_t now, bool cut);
  // hacored joins the group (cpg_join) / its process dies (CPG sees the IPC close): a view
  // change in its component at once, in order after what is already queued.
  void join(std::uint32_t id, std::int64_t now);
  void process_gone(std::uint32_t id, std::int64_t now);
  // The node's power is cut: it hears nothing more, its held messages are lost; the others
  // notice at the next reform().
  void power_cut(std::uint32_t id);

  // cpg_mcast_joined: fails when the node is not in the group or the queue is full.
  Status send(std::uint32_t from, std::string bytes, std::int64_t now);

  // The earliest time a member has an item due; nullopt when every inbox is empty.
  std::optional<std::int64_t> next_due() const;
  // Pops the earliest due item (ties: the lowest node id) if due at `now`.
  std::optional<std::pair<std::uint32_t, Item>> pop_due(std::int64_t now);

  bool joined(std::uint32_t id) const { return joined_.count(id) > 0; }
  std::size_t queued(std::uint32_t id) const;

 private:
  struct Held {
    std::uint32_t from;
    std::string bytes;
  };
  const std::set<std::uint32_t>* component_of(std::uint32_t id) const;
  std::vector<std::uint32_t> group_of(const std::set<std::uint32_t>& component) const;
  void append(std::uint32_t to, Item item, std::int64_t now);
  void cut_inbox(std::uint32_t id);

  Draw draw_;
  std::int64_t max_delay_ms_ = 20;
  bool reforming_ = false;
  std::vector<std::set<std::uint32_t>> components_;
  std::set<std::uint32_t> joined_;
  std::map<std::uint32_t, std::deque<Item>> inbox_;
  std::deque<Held> held_;
};

}  // namespace hamail::hacore::sim
