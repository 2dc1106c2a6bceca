// CpgChannel: hacored's ordered messaging through Corosync CPG. Joins a process group,
// multicasts messages with agreed (total) order and delivers every message and every
// membership change of the group in that same order on all nodes. The descriptor is
// driven from the libuv loop; a full corosync send queue is retried, bounded. It is the
// shell's MessageChannel.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/hacore/daemon/message_channel.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/fd_watcher.h"
#include "hamail/uv/timer.h"

namespace hamail::hacore {

class CpgChannel : public MessageChannel {
 public:
  struct Callbacks {
    std::function<void(std::uint32_t from_nodeid, std::string_view data)> on_message;
    std::function<void(const std::vector<std::uint32_t>& member_nodeids)> on_membership;
    std::function<void(const std::string& error)> on_failure;  // corosync went away
    std::function<void()> before_dispatch;                     // each time messages are about to be read
  };

  CpgChannel(uv::EventLoop& loop, Callbacks cb);
  ~CpgChannel() override;

  Status join(const std::string& group);
  // Queues one message (at most kMaxQueued waiting); delivered back to every member, this one too.
  Status send(std::string data) override;
  std::uint32_t local_nodeid() const { return local_nodeid_; }

  // Internal: called from libcpg's C callbacks.
  void deliver(std::uint32_t nodeid, const void* data, std::size_t len);
  void confchg(const std::vector<std::uint32_t>& members);

  static constexpr std::size_t kMaxQueued = 1024;

 private:
  void flush_queue();
  void finalize();

  uv::EventLoop& loop_;
  Callbacks cb_;
  std::uint64_t handle_ = 0;
  bool open_ = false;
  std::uint32_t local_nodeid_ = 0;
  uv::FdWatcher watcher_;
  uv::Timer retry_;
  std::deque<std::string> queue_;
};

}  // namespace hamail::hacore
