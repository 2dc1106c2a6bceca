// MembershipSource: the node's view of the cluster as Corosync reports it, read through
// libquorum (quorate flag and member list per ring) and libcpg (local node id, the
// totem member list). An IO adapter: it exposes file descriptors for the caller's event
// loop (poll or uv_poll) and turns corosync callbacks into MembershipView values.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::corosync {

struct MembershipView {
  std::uint32_t local_nodeid = 0;
  bool quorate = false;
  std::uint64_t ring_seq = 0;
  std::uint32_t ring_leader = 0;
  std::vector<std::uint32_t> members;        // from libquorum, sorted
  std::vector<std::uint32_t> totem_members;  // from libcpg's totem configuration, sorted
};

class MembershipSource {
 public:
  using Callback = std::function<void(const MembershipView&)>;

  MembershipSource() = default;
  ~MembershipSource();
  MembershipSource(const MembershipSource&) = delete;
  MembershipSource& operator=(const MembershipSource&) = delete;

  // Connects to the local corosync (libquorum + libcpg, joining CPG group `group`).
  // The error names which library call failed and corosync's error text.
  Status connect(const std::string& group, Callback on_change);

  int quorum_fd() const { return quorum_fd_; }
  int cpg_fd() const { return cpg_fd_; }
  // Call when the matching fd is readable. An error means corosync went away.
  Status dispatch_quorum();
  Status dispatch_cpg();
  // Asks corosync for the quorum now (a synchronous call) and reports a change. Called
  // before messages are handed on: a quorum change and the messages sent after it reach
  // us on separate connections, in either order.
  Status refresh_quorate();

  const MembershipView& view() const { return view_; }
  // True once both libquorum and libcpg have reported at least once.
  bool complete() const { return have_quorum_ && have_totem_; }

  // Internal: called from the C callbacks.
  void on_quorum(bool quorate, std::uint64_t seq, std::uint32_t leader, const std::uint32_t* ids, std::uint32_t n);
  void on_totem(std::uint64_t seq, const std::uint32_t* ids, std::uint32_t n);

 private:
  void disconnect();

  std::uint64_t quorum_handle_ = 0;
  std::uint64_t cpg_handle_ = 0;
  bool quorum_open_ = false;
  bool cpg_open_ = false;
  int quorum_fd_ = -1;
  int cpg_fd_ = -1;
  bool have_quorum_ = false;
  bool have_totem_ = false;
  MembershipView view_;
  Callback on_change_;
};

// "CS_ERR_LIBRARY (corosync is not running or not reachable)" and friends.
std::string corosync_error_text(int cs_error);

}  // namespace hamail::corosync
