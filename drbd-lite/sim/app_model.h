// AppModel: the simulator's record of what the application wrote and was told, to decide
// whether data read back is allowed. Every write fills each 512 B sector with a tag naming
// the write and the sector, so a read says which write each sector holds. A sector may hold
// the newest write that must have survived, or any write issued after it; a completed write
// may be lost only when, before a flush made it durable, its writer lost power and the peer
// holding a copy failed (lost power or crashed); a disk that failed holds no trusted copy.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hamail::drbdlite::sim {

inline constexpr std::uint64_t kSectorBytes = 512;

class AppModel {
 public:
  explicit AppModel(std::uint64_t data_bytes) : history_(data_bytes / kSectorBytes) {}

  // A new write of `length` bytes at `offset` issued on node `node` (0 or 1): its id and data.
  std::uint64_t issue(int node, std::uint64_t offset, std::uint64_t length, bool fua, std::string& data);
  // A connection between the nodes was established: a copy the peer acknowledges over it was
  // made after this, so only the peer's failures from now on can have taken it.
  void link_established() { failures_at_link_[0] = failures_[0], failures_at_link_[1] = failures_[1]; }
  // It completed: OK or not; `copy_on_peer`: the writer replicated it to an UpToDate peer
  // under protocol C (so it survives the writer's power loss).
  void complete(std::uint64_t id, bool ok, bool copy_on_peer);
  // A flush issued on `node` now covers the writes that completed there before: its token.
  std::uint64_t flush_issued(int node);
  void flush_completed(std::uint64_t token, bool ok);
  void power_cut(int node) {
    ++power_cuts_[node];
    ++failures_[node];
  }
  // The node's process died, its page cache kept. It still counts as a failure of the peer's
  // copy: after the Primary's power loss, the Secondary crashing before it noticed cannot tell
  // its cache survived, and the crashed Primary's activity-log extents resync from the Primary
  // (protocol C survives one node's failure, not two).
  void process_killed(int node) { ++failures_[node]; }
  // The node's disk failed (an I/O error): its copy is not trusted any more, flushed or not
  // (a resync may replace it with the peer's, as DRBD detaches such a disk).
  void disk_failed(int node) {
    ++power_cuts_[node];
    ++disk_failures_[node];
    ++failures_[node];
  }

  // Why `data` read at `offset` is not allowed; nothing when it is.
  std::optional<std::string> check(std::uint64_t offset, const std::string& data) const;
  std::uint64_t writes() const { return writes_.size(); }
  std::uint64_t completed_ok() const { return completed_ok_; }

 private:
  struct Write {
    int node = 0;
    bool completed = false, ok = false, fua = false, durable = false, copy_on_peer = false;
    std::uint64_t cuts_writer = 0;   // the writer's power cuts (and disk failures) when it completed
    std::uint64_t disk_failures_writer = 0;
    // The peer's failures (power cuts, kills) before its copy was made: when the connection it
    // was acknowledged over was established. Not at the completion: a peer killed after it wrote
    // the write (its ack still on the way, delivered before the FIN) failed holding the copy.
    std::uint64_t failures_peer = 0;
  };
  bool must_survive(const Write& w) const;
  std::optional<std::string> check_sector(std::uint64_t sector, const char* p) const;

  std::map<std::uint64_t, Write> writes_;
  std::vector<std::vector<std::uint64_t>> history_;  // per sector, the writes that covered it, in issue order
  std::map<std::uint64_t, std::vector<std::uint64_t>> flushes_;  // token -> writes it makes durable
  std::uint64_t next_id_ = 1, next_flush_ = 1, completed_ok_ = 0;
  std::uint64_t power_cuts_[2] = {0, 0};
  std::uint64_t failures_[2] = {0, 0};
  std::uint64_t failures_at_link_[2] = {0, 0};
  std::uint64_t disk_failures_[2] = {0, 0};
};

}  // namespace hamail::drbdlite::sim
