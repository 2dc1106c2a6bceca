#include "app_model.h"

#include <cstring>

namespace hamail::drbdlite::sim {
namespace {

// Sector content: the write id, the sector's index, then a byte derived from both.
void fill_sector(char* p, std::uint64_t id, std::uint64_t sector) {
  std::memcpy(p, &id, 8);
  std::memcpy(p + 8, &sector, 8);
  std::memset(p + 16, static_cast<int>((id * 131 + sector) & 0xff), kSectorBytes - 16);
}

}  // namespace

std::uint64_t AppModel::issue(int node, std::uint64_t offset, std::uint64_t length, bool fua, std::string& data) {
  const std::uint64_t id = next_id_++;
  writes_[id] = Write{node, false, false, fua};
  data.assign(length, '\0');
  for (std::uint64_t s = 0; s < length / kSectorBytes; ++s) {
    const std::uint64_t sector = offset / kSectorBytes + s;
    fill_sector(data.data() + s * kSectorBytes, id, sector);
    history_[sector].push_back(id);
  }
  return id;
}

void AppModel::complete(std::uint64_t id, bool ok, bool copy_on_peer) {
  Write& w = writes_.at(id);
  w.completed = true;
  w.ok = ok;
  w.copy_on_peer = copy_on_peer;
  w.durable = ok && w.fua;
  w.cuts_writer = power_cuts_[w.node];
  w.disk_failures_writer = disk_failures_[w.node];
  w.failures_peer = failures_at_link_[1 - w.node];
  completed_ok_ += ok;
}

std::uint64_t AppModel::flush_issued(int node) {
  std::vector<std::uint64_t>& covered = flushes_[next_flush_];
  for (const auto& [id, w] : writes_)
    // A write that a power cut may already have taken is not made durable by a later flush.
    if (w.node == node && w.completed && w.ok && !w.durable && w.cuts_writer == power_cuts_[node])
      covered.push_back(id);
  return next_flush_++;
}

void AppModel::flush_completed(std::uint64_t token, bool ok) {
  auto it = flushes_.find(token);
  if (it == flushes_.end()) return;
  if (ok)
    for (std::uint64_t id : it->second) writes_.at(id).durable = true;
  flushes_.erase(it);
}

// A completed write that must still be there: durable (flushed or FUA) on its writer, or its
// writer has not lost power since it completed, or the peer holding a copy has not failed.
bool AppModel::must_survive(const Write& w) const {
  if (!w.completed || !w.ok) return false;
  if (w.durable && disk_failures_[w.node] == w.disk_failures_writer) return true;
  const bool writer_lost = power_cuts_[w.node] > w.cuts_writer;
  const bool peer_lost = !w.copy_on_peer || failures_[1 - w.node] > w.failures_peer;
  return !(writer_lost && peer_lost);
}

std::optional<std::string> AppModel::check_sector(std::uint64_t sector, const char* p) const {
  std::uint64_t id = 0, idx = 0;
  std::memcpy(&id, p, 8);
  std::memcpy(&idx, p + 8, 8);
  char expect[kSectorBytes];
  if (id == 0) {
    std::memset(expect, 0, sizeof expect);
  } else {
    fill_sector(expect, id, sector);
  }
  if (std::memcmp(expect, p, kSectorBytes) != 0)
    return "sector " + std::to_string(sector) + " holds bytes no write put there (tag " + std::to_string(id) + ")";
  const auto& h = history_[sector];
  for (auto it = h.rbegin(); it != h.rend(); ++it) {
    if (*it == id) return std::nullopt;
    if (must_survive(writes_.at(*it)))
      return "sector " + std::to_string(sector) + " holds write " + std::to_string(id) +
             " but acknowledged write " + std::to_string(*it) + " (node" + std::to_string(writes_.at(*it).node + 1) +
             ") must be there: lost";
  }
  if (id == 0) return std::nullopt;
  return "sector " + std::to_string(sector) + " holds write " + std::to_string(id) + ", never issued there";
}

std::optional<std::string> AppModel::check(std::uint64_t offset, const std::string& data) const {
  for (std::uint64_t s = 0; s < data.size() / kSectorBytes; ++s) {
    if (auto e = check_sector(offset / kSectorBytes + s, data.data() + s * kSectorBytes)) return e;
  }
  return std::nullopt;
}

}  // namespace hamail::drbdlite::sim
