// VolumeRunner: one replicated volume on this node, the libuv shell around the sans-IO
// Replica: the lower device (FileDisk), the replication link (PeerLink), the NBD export
// (only while Primary), its handlers (HandlerRunner) and a 10 ms clock. Executes the
// Replica's outbox: frames to the peer, completions to NBD clients, handlers to run (a
// fence-peer's answer goes back to the Replica), events to the log and `drbdlite events`.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/drbdlite/config/drbd_config.h"
#include "hamail/drbdlite/core/replica.h"
#include "hamail/drbdlite/daemon/drbd_metrics.h"
#include "hamail/drbdlite/daemon/file_disk.h"
#include "hamail/drbdlite/daemon/handler_runner.h"
#include "hamail/drbdlite/daemon/peer_link.h"
#include "hamail/base/log.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/timer.h"
#include "hamail/drbdlite/nbd/block_backend.h"
#include "hamail/drbdlite/nbd/server.h"

namespace hamail::drbdlite {

struct VolumeSetup {
  VolumeConfig volume;              // for this node: for_node() applied (%n, nbd_socket)
  std::string node;
  std::string peer_node;
  std::string local_addr, peer_addr;
};

using EventSink = std::function<void(const nlohmann::json& event)>;
// Told of every application write as it completes (drbdlited's metrics).
using WriteObserver = std::function<void(const std::string& volume, const WriteSample& write)>;

class VolumeRunner : public nbd::BlockBackend {
 public:
  VolumeRunner(uv::EventLoop& loop, const Logger& log, VolumeSetup setup, EventSink sink);
  ~VolumeRunner() override;

  const std::string& name() const { return setup_.volume.name; }
  bool is_up() const { return replica_ != nullptr; }

  Status create_md(bool force);
  Status up();
  Status down();
  Status terminate();  // daemon shutdown: closes the NBD export even with clients, then down
  Status primary(bool force);
  Status secondary();
  Status connect(bool discard_my_data);
  Status disconnect();
  Status invalidate();
  Status verify();
  Status resume_io();  // thaw I/O frozen by fencing, by hand (logged)
  Status outdate();    // the peer fenced this node (its fence-peer handler asks for it)
  nlohmann::json status() const;
  void set_write_observer(WriteObserver observer) { write_observer_ = std::move(observer); }

  // nbd::BlockBackend
  std::uint64_t size() const override;
  Status accepting_io() const override;
  void read(std::uint64_t off, std::uint32_t len, ReadDone done) override;
  void write(std::uint64_t off, std::string data, bool fua, Done done) override;
  void flush(Done done) override;
  void trim(std::uint64_t off, std::uint32_t len, Done done) override;
  void write_zeroes(std::uint64_t off, std::uint32_t len, bool may_punch, bool fua, Done done) override;

 private:
  Outbox outbox();  // sends frames at once over the link
  void execute(Outbox& out);
  template <class F>
  Status command(F f);
  Status start_export();
  void stop_export();
  void run_handlers(Outbox& out);
  void on_handler_done(const HandlerRequest& request, const HandlerResult& result);
  void flush_waiting();  // one replica flush for every NBD flush waiting, unless one runs

  uv::EventLoop& loop_;
  const Logger& log_;
  VolumeSetup setup_;
  EventSink sink_;
  WriteObserver write_observer_;
  std::unique_ptr<FileDisk> disk_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<PeerLink> link_;
  std::unique_ptr<HandlerRunner> handlers_;
  std::unique_ptr<nbd::NbdServer> nbd_;
  uv::Timer clock_;
  std::map<std::uint64_t, Done> io_waiting_;
  bool flush_running_ = false;          // a replica flush has not completed yet
  std::vector<Done> flushes_waiting_;   // NBD flushes not yet given to the replica
  std::uint64_t flushes_coalesced_ = 0; // replica flushes issued for NBD flushes ...
  std::uint64_t flushes_answered_ = 0;  // ... and the NBD flushes they answered
  std::uint64_t next_request_ = 1;
  bool executing_ = false;
  std::deque<Outbox> queue_;  // outboxes produced while one is being executed
};

}  // namespace hamail::drbdlite
