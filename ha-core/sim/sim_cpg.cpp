// SimCpg (sim_cpg.h): one sequence per view, appended to every member's inbox; seeded
// per-member delays that never reorder; held sends and prefix cuts at a reform.
#include "hamail/hacore/sim/sim_cpg.h"

#include <algorithm>

namespace hamail::hacore::sim {

const std::set<std::uint32_t>* SimCpg::component_of(std::uint32_t id) const {
  for (const auto& c : components_)
    if (c.count(id)) return &c;
  return nullptr;
}

std::vector<std::uint32_t> SimCpg::group_of(const std::set<std::uint32_t>& component) const {
  std::vector<std::uint32_t> out;
  for (auto id : component)
    if (joined_.count(id)) out.push_back(id);
  return out;
}

void SimCpg::append(std::uint32_t to, Item item, std::int64_t now) {
  auto& q = inbox_[to];
  std::int64_t due = now + 1 + static_cast<std::int64_t>(draw_(static_cast<std::uint64_t>(max_delay_ms_) + 1));
  item.due_ms = q.empty() ? due : std::max(due, q.back().due_ms);
  q.push_back(std::move(item));
}

// What a survivor of a broken ring delivers of the old view: a prefix of what it has not
// delivered yet, at least up to its own last message (a sender delivers its own messages).
void SimCpg::cut_inbox(std::uint32_t id) {
  auto& q = inbox_[id];
  std::size_t keep = 0;
  for (std::size_t i = 0; i < q.size(); ++i)
    if (q[i].is_view || q[i].from == id) keep = i + 1;
  keep += static_cast<std::size_t>(draw_(q.size() - keep + 1));
  q.resize(keep);
}

void SimCpg::reform(const std::vector<std::set<std::uint32_t>>& components, std::int64_t now, bool cut) {
  components_ = components;
  reforming_ = false;
  for (const auto& c : components_) {
    std::vector<std::uint32_t> group = group_of(c);
    for (auto id : group) {
      if (cut) cut_inbox(id);
      append(id, Item{true, 0, {}, group, 0}, now);
    }
  }
  for (auto& h : held_) {
    const auto* c = component_of(h.from);
    if (!c || !joined_.count(h.from)) continue;  // its sender's process died: lost with it
    for (auto id : group_of(*c)) append(id, Item{false, h.from, h.bytes, {}, 0}, now);
  }
  held_.clear();
}

void SimCpg::join(std::uint32_t id, std::int64_t now) {
  joined_.insert(id);
  inbox_[id].clear();
  if (reforming_) return;  // the next reform() delivers its view
  const auto* c = component_of(id);
  if (!c) return;
  std::vector<std::uint32_t> group = group_of(*c);
  for (auto m : group) append(m, Item{true, 0, {}, group, 0}, now);
}

void SimCpg::process_gone(std::uint32_t id, std::int64_t now) {
  joined_.erase(id);
  inbox_.erase(id);
  std::erase_if(held_, [id](const Held& h) { return h.from == id; });
  if (reforming_) return;
  const auto* c = component_of(id);
  if (!c) return;
  std::vector<std::uint32_t> group = group_of(*c);
  for (auto m : group) append(m, Item{true, 0, {}, group, 0}, now);
}

void SimCpg::power_cut(std::uint32_t id) {
  joined_.erase(id);
  inbox_.erase(id);
  std::erase_if(held_, [id](const Held& h) { return h.from == id; });
  for (auto& c : components_) c.erase(id);
  reforming_ = true;
}

Status SimCpg::send(std::uint32_t from, std::string bytes, std::int64_t now) {
  if (!joined_.count(from)) return Error{"not connected to corosync"};
  if (queued(from) + held_.size() >= kMaxQueued)
    return Error{"corosync send queue full (" + std::to_string(kMaxQueued) + " messages)"};
  if (reforming_) {
    held_.push_back({from, std::move(bytes)});
    return Status::ok();
  }
  const auto* c = component_of(from);
  if (!c) return Error{"not connected to corosync"};
  for (auto id : group_of(*c)) append(id, Item{false, from, bytes, {}, 0}, now);
  return Status::ok();
}

std::optional<std::int64_t> SimCpg::next_due() const {
  std::optional<std::int64_t> best;
  for (const auto& [id, q] : inbox_)
    if (!q.empty() && (!best || q.front().due_ms < *best)) best = q.front().due_ms;
  return best;
}

std::optional<std::pair<std::uint32_t, SimCpg::Item>> SimCpg::pop_due(std::int64_t now) {
  std::deque<Item>* best = nullptr;
  std::uint32_t best_id = 0;
  for (auto& [id, q] : inbox_)
    if (!q.empty() && q.front().due_ms <= now && (!best || q.front().due_ms < best->front().due_ms)) {
      best = &q;
      best_id = id;
    }
  if (!best) return std::nullopt;
  Item it = std::move(best->front());
  best->pop_front();
  return std::make_pair(best_id, std::move(it));
}

std::size_t SimCpg::queued(std::uint32_t id) const {
  auto it = inbox_.find(id);
  return it == inbox_.end() ? 0 : it->second.size();
}

}  // namespace hamail::hacore::sim
