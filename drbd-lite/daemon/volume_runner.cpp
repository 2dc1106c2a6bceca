#include "hamail/drbdlite/daemon/volume_runner.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <chrono>
#include <deque>
#include <filesystem>

#include "hamail/tls/secret.h"

namespace hamail::drbdlite {
namespace {

std::uint64_t random_id() {
  std::uint64_t v = 0;
  while (v == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

// One NBD request split into several replica requests (a large trim): done when all are.
struct SplitRequest {
  std::size_t remaining = 0;
  Status first_error;
  nbd::BlockBackend::Done done;
};

constexpr std::uint32_t kMaxDiscardPiece = wire::kMaxDiscardBytes;  // what the core (and the peer) accepts at once

}  // namespace

VolumeRunner::VolumeRunner(uv::EventLoop& loop, const Logger& log, VolumeSetup setup, EventSink sink)
    : loop_(loop), log_(log), setup_(std::move(setup)), sink_(std::move(sink)), clock_(loop) {}

VolumeRunner::~VolumeRunner() {
  if (replica_) (void)down();
}

static DiskPaths paths_of(const VolumeConfig& v) {
  DiskPaths p;
  p.lower = v.device;
  if (v.meta != "internal") p.meta = v.meta;
  p.size = v.size_bytes;
  return p;
}

Status VolumeRunner::create_md(bool force) {
  if (replica_) return Error{name() + " is up: run `drbdlite down " + name() + "` first"};
  Status st = FileDisk::create_metadata(paths_of(setup_.volume), random_id(), force);
  if (st) log_.info("metadata_created").kv("volume", name()).kv("device", setup_.volume.device);
  return st;
}

Status VolumeRunner::up() {
  if (replica_) return Status::ok();
  auto attached = FileDisk::attach(paths_of(setup_.volume));
  if (!attached) return Error{name() + ": attach failed: " + attached.error()};
  for (const auto& p : attached->second.problems)
    log_.warning("activity_log_record_skipped").kv("volume", name()).kv("problem", p);
  auto secret = tls::read_secret_file(setup_.volume.secret_file);
  if (!secret) return Error{name() + ": " + secret.error()};
  auto server_ctx = tls::TlsContext::psk_server(*secret, name());
  auto client_ctx = tls::TlsContext::psk_client(*secret, name());
  if (!server_ctx || !client_ctx)
    return Error{name() + ": TLS setup failed: " + (server_ctx ? client_ctx.error() : server_ctx.error())};

  const VolumeConfig& v = setup_.volume;
  auto fencing = parse_fencing(v.fencing);
  auto policy = parse_split_brain_policy(v.after_sb_0pri, v.after_sb_1pri, v.after_sb_2pri);
  if (!fencing || !policy)  // the config loader checked them: only a hand-made VolumeConfig gets here
    return Error{name() + ": bad fencing '" + v.fencing + "' or after_sb_* policy"};
  disk_ = std::move(attached->first);
  ReplicaConfig rc;
  rc.volume = name();
  rc.node = setup_.node;
  rc.protocol = setup_.volume.protocol;
  rc.resync_rate_bytes = setup_.volume.resync_rate_bytes;
  rc.fencing = *fencing;
  rc.split_brain = *policy;
  handlers_ = std::make_unique<HandlerRunner>(loop_, log_, v.handlers, v.handler_timeout_ms,
                                              HandlerContext{name(), setup_.node, setup_.peer_node, setup_.peer_addr});
  Outbox out = outbox();
  AttachedMetadata& md = attached->second;
  replica_ = std::make_unique<Replica>(rc, *disk_, md.sb, std::move(md.bitmap), std::move(md.al), random_id, out);
  log_.info("volume_attached")
      .kv("volume", name())
      .kv("device", setup_.volume.device)
      .kv("size", replica_->size())
      .kv("out_of_sync_kib", replica_->bitmap().out_of_sync_bytes() >> 10);

  PeerLinkConfig lc;
  lc.volume = name();
  lc.local_addr = setup_.local_addr;
  lc.peer_addr = setup_.peer_addr;
  lc.port = static_cast<std::uint16_t>(setup_.volume.port);
  lc.dialer = setup_.node < setup_.peer_node;
  PeerLink::Callbacks cb;
  cb.on_up = [this] {
    Outbox o = outbox();
    replica_->link_up(o);
    execute(o);
  };
  cb.on_message = [this](wire::Message m) {
    Outbox o = outbox();
    replica_->receive(std::move(m), o);
    execute(o);
  };
  cb.on_down = [this](const std::string& reason) {
    Outbox o = outbox();
    replica_->link_down(reason, o);
    execute(o);
  };
  link_ = std::make_unique<PeerLink>(loop_, log_, lc, std::move(*server_ctx), std::move(*client_ctx), std::move(cb));
  clock_.start(10, [this] {
    if (!replica_) return;
    Outbox o = outbox();
    replica_->tick(loop_.now_ms(), o);
    execute(o);
  }, 10);
  replica_->connect(false, out);
  execute(out);
  if (Status st = link_->start(); !st) {
    log_.error("replication_listen_failed").kv("volume", name()).kv("error", st.message());
    (void)down();
    return st;
  }
  return Status::ok();
}

Outbox VolumeRunner::outbox() {
  return Outbox([this](std::string&& frame) {
    if (link_ && link_->up()) (void)link_->send(std::move(frame));  // a failure drops the link later
  });
}

Status VolumeRunner::terminate() {
  stop_export();  // NBD clients are cut off: the daemon is stopping
  return down();
}

Status VolumeRunner::down() {
  if (!replica_) return Status::ok();
  if (nbd_ && nbd_->connection_count() > 0)
    return Error{name() + " is in use by " + std::to_string(nbd_->connection_count()) +
                 " NBD client(s): disconnect them first"};
  Outbox out = outbox();
  Status st = replica_->shutdown(out);
  execute(out);
  if (!st) return Error{name() + ": " + st.message()};
  stop_export();
  clock_.stop();
  if (link_) link_->stop();
  link_.reset();
  handlers_.reset();  // a handler still running is killed
  replica_.reset();
  io_waiting_.clear();  // no NBD client is left to answer (checked above)
  flush_running_ = false;
  flushes_waiting_.clear();
  disk_.reset();
  log_.info("volume_down").kv("volume", name());
  return Status::ok();
}

template <class F>
Status VolumeRunner::command(F f) {
  if (!replica_) return Error{name() + " is down: run `drbdlite up " + name() + "` first"};
  Outbox out = outbox();
  Status st = f(*replica_, out);
  execute(out);
  return st;
}

Status VolumeRunner::primary(bool force) {
  Status st = command([&](Replica& r, Outbox& o) { return r.promote(force, o); });
  if (!st) return st;
  // With fencing and the peer unreachable the promotion waits for fence-peer (status says
  // promotion_pending); the export starts when it is done (on_handler_done).
  if (replica_->role() != Role::primary) return Status::ok();
  return start_export();
}

Status VolumeRunner::resume_io() {
  return command([&](Replica& r, Outbox& o) { return r.resume_io(o); });
}

Status VolumeRunner::outdate() {
  return command([&](Replica& r, Outbox& o) { return r.outdate(o); });
}

Status VolumeRunner::secondary() {
  if (nbd_ && nbd_->connection_count() > 0)
    return Error{name() + " is in use by " + std::to_string(nbd_->connection_count()) +
                 " NBD client(s): stop them (umount, nbdfuse, nbd-client -d) first"};
  Status st = command([&](Replica& r, Outbox& o) { return r.demote(o); });
  if (st) stop_export();
  return st;
}

Status VolumeRunner::connect(bool discard_my_data) {
  Status st = command([&](Replica& r, Outbox& o) {
    r.connect(discard_my_data, o);
    return Status::ok();
  });
  if (st && link_) st = link_->start();
  return st;
}

Status VolumeRunner::disconnect() {
  Status st = command([&](Replica& r, Outbox& o) {
    r.disconnect(o);
    return Status::ok();
  });
  if (link_) link_->stop();
  return st;
}

Status VolumeRunner::invalidate() {
  return command([&](Replica& r, Outbox& o) { return r.invalidate(o); });
}

Status VolumeRunner::verify() {
  return command([&](Replica& r, Outbox& o) { return r.start_verify(o); });
}

Status VolumeRunner::start_export() {
  if (nbd_) return Status::ok();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(setup_.volume.nbd_socket).parent_path(), ec);
  nbd::ServerOptions opts;
  opts.export_info.name = name();
  opts.export_info.description = "drbd-lite volume " + name();
  auto srv = nbd::NbdServer::listen_unix(loop_, setup_.volume.nbd_socket, 0660, *this, log_, opts);
  if (!srv) return Error{name() + ": promoted, but the NBD export failed: " + srv.error()};
  nbd_ = std::move(*srv);
  log_.info("nbd_export_started").kv("volume", name()).kv("socket", setup_.volume.nbd_socket);
  return Status::ok();
}

void VolumeRunner::stop_export() {
  if (!nbd_) return;
  nbd_.reset();
  log_.info("nbd_export_stopped").kv("volume", name());
}

void VolumeRunner::execute(Outbox& first) {
  // Callbacks below may feed the replica again; their outboxes queue behind this one.
  queue_.push_back(std::move(first));
  if (executing_) return;
  executing_ = true;
  while (!queue_.empty()) {
    Outbox out = std::move(queue_.front());
    queue_.pop_front();
    for (auto& e : out.events) {
      auto rec = log_.info(e.name);
      nlohmann::json j = {{"ts", utc_timestamp()}, {"event", e.name}};
      for (auto& [k, v] : e.fields) {
        rec.kv(k, v);
        j[k] = v;
      }
      if (sink_) sink_(j);
    }
    if (out.drop_link && link_) {
      link_->drop(*out.drop_link);
      if (replica_ && !replica_->wants_link()) link_->stop();
    }
    for (auto& c : out.completed) {
      auto it = io_waiting_.find(c.request);
      if (it == io_waiting_.end()) continue;
      Done done = std::move(it->second);
      io_waiting_.erase(it);
      done(c.status ? Status::ok() : nbd::io_error(5 /* EIO */, c.status.message()));
    }
    run_handlers(out);
  }
  executing_ = false;
}

void VolumeRunner::run_handlers(Outbox& out) {
  if (!handlers_) return;
  for (const HandlerRequest& h : out.handlers)
    handlers_->run(h, [this](const HandlerRequest& r, const HandlerResult& res) { on_handler_done(r, res); });
}

// fence-peer's answer goes back to the core: it thaws I/O or finishes a pending promotion.
void VolumeRunner::on_handler_done(const HandlerRequest& request, const HandlerResult& result) {
  if (request.handler != Handler::fence_peer || !replica_) return;
  Outbox o = outbox();
  replica_->fence_peer_done(request.id, result, o);
  execute(o);
  if (replica_ && replica_->role() == Role::primary && !nbd_) {
    if (Status st = start_export(); !st) log_.error("nbd_export_failed").kv("volume", name()).kv("error", st.message());
  }
}

nlohmann::json VolumeRunner::status() const {
  nlohmann::json j = {{"volume", name()}, {"up", replica_ != nullptr}, {"node", setup_.node}, {"peer", setup_.peer_node}};
  if (!replica_) return j;
  ReplicaStatus s = replica_->status();
  j["role"] = std::string(to_string(s.role));
  j["disk"] = std::string(to_string(s.disk));
  j["connection"] = std::string(to_string(s.conn));
  j["peer_role"] = std::string(to_string(s.peer_role));
  j["peer_disk"] = std::string(to_string(s.peer_disk));
  j["protocol"] = std::string(1, s.protocol);
  j["size_bytes"] = s.size_bytes;
  j["out_of_sync_kib"] = s.out_of_sync_bytes >> 10;
  j["sync_total_kib"] = s.sync_total_bytes >> 10;
  j["sync_done_kib"] = s.sync_done_bytes >> 10;
  j["sync_rate_kib_per_s"] = static_cast<std::uint64_t>(s.sync_rate_bytes_per_s / 1024);
  j["verify_mismatch_kib"] = s.verify_mismatch_bytes >> 10;
  j["writes_replicated"] = s.writes_replicated;
  j["resync_blocks_sent"] = s.resync_blocks_sent;
  j["resync_blocks_received"] = s.resync_blocks_received;
  j["generation"] = s.gen.to_string();
  j["link_up"] = link_ && link_->up();
  j["nbd_socket"] = nbd_ ? setup_.volume.nbd_socket : "";
  j["nbd_clients"] = nbd_ ? nbd_->connection_count() : 0;
  j["nbd_flushes"] = flushes_answered_;        // NBD flushes answered by ...
  j["flushes_issued"] = flushes_coalesced_;    // ... this many flushes of the replica (coalesced)
  j["fdatasyncs"] = disk_ ? disk_->fdatasyncs() : 0;  // of the lower device and metadata, since up
  j["fencing"] = setup_.volume.fencing;
  j["io_frozen"] = s.io_frozen;
  j["fencing_peer"] = s.fencing_peer;
  j["peer_fenced"] = s.peer_fenced;
  j["promotion_pending"] = s.promotion_pending;
  j["handlers_running"] = handlers_ ? handlers_->running() : 0;
  if (!s.last_error.empty()) j["last_error"] = s.last_error;
  return j;
}

std::uint64_t VolumeRunner::size() const { return replica_ ? replica_->size() : 0; }

Status VolumeRunner::accepting_io() const {
  if (!replica_) return Error{"volume " + name() + " is down"};
  return replica_->io_allowed();
}

void VolumeRunner::read(std::uint64_t off, std::uint32_t len, ReadDone done) {
  if (!replica_) return done(Error{"volume " + name() + " is down"});
  auto r = replica_->app_read(off, len);
  if (!r) return done(Error{nbd::io_error(5, r.error()).message()});
  done(std::move(*r));
}

void VolumeRunner::write(std::uint64_t off, std::string data, bool fua, Done done) {
  if (!replica_) return done(Error{"volume " + name() + " is down"});
  std::uint64_t req = next_request_++;
  if (write_observer_) {
    WriteSample w{data.size(), 0, true, link_ && link_->up()};
    auto arrived = std::chrono::steady_clock::now();
    done = [this, w, arrived, done = std::move(done)](Status st) mutable {
      w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - arrived).count();
      w.ok = st.is_ok();
      if (write_observer_) write_observer_(name(), w);
      done(std::move(st));
    };
  }
  io_waiting_[req] = std::move(done);
  Outbox out = outbox();
  replica_->app_write(req, off, std::move(data), fua, out);
  execute(out);
}

// Flush coalescing (group commit): a flush goes to the replica at once unless one of the
// replica's flushes is still running (protocol C: until the peer's flush ack); flushes that
// arrive meanwhile wait and then go as one, which answers them all. Each of them needs the
// writes completed before it arrived to be durable: that one flush is issued after all of
// those (and maybe after later ones: more than needed, never less). A flush that completes
// at once (StandAlone) is never held back. Bounded by the NBD server's requests in flight.
void VolumeRunner::flush(Done done) {
  if (!replica_) return done(Error{"volume " + name() + " is down"});
  flushes_waiting_.push_back(std::move(done));
  if (!flush_running_) flush_waiting();
}

void VolumeRunner::flush_waiting() {
  if (flushes_waiting_.empty() || !replica_) return;
  auto waiting = std::make_shared<std::vector<Done>>(std::move(flushes_waiting_));
  flushes_waiting_.clear();
  std::uint64_t req = next_request_++;
  flush_running_ = true;
  io_waiting_[req] = [this, waiting](Status st) {
    flush_running_ = false;
    for (auto& d : *waiting) d(st);
    flush_waiting();  // those that arrived while it ran
  };
  ++flushes_coalesced_;
  flushes_answered_ += waiting->size();
  Outbox out = outbox();
  replica_->app_flush(req, out);
  execute(out);
}

void VolumeRunner::trim(std::uint64_t off, std::uint32_t len, Done done) {
  write_zeroes(off, len, true, false, std::move(done));  // trimmed blocks read back as zeroes on both nodes
}

void VolumeRunner::write_zeroes(std::uint64_t off, std::uint32_t len, bool, bool fua, Done done) {
  if (!replica_) return done(Error{"volume " + name() + " is down"});
  // Large discards (mkfs trims the whole device) go in pieces the activity log can hold.
  auto split = std::make_shared<SplitRequest>();
  split->done = std::move(done);
  // 64-bit: a length over 0xFC000000 would wrap in 32 bits and the reply never be sent.
  split->remaining = (std::uint64_t{len} + kMaxDiscardPiece - 1) / kMaxDiscardPiece;
  Outbox out = outbox();
  const std::uint64_t end = off + std::uint64_t{len};
  for (std::uint64_t pos = off; pos < end; pos += kMaxDiscardPiece) {
    auto piece = static_cast<std::uint32_t>(std::min<std::uint64_t>(kMaxDiscardPiece, end - pos));
    std::uint64_t req = next_request_++;
    io_waiting_[req] = [split](Status st) {
      if (!st && split->first_error) split->first_error = st;
      if (--split->remaining == 0) split->done(split->first_error);
    };
    replica_->app_discard(req, pos, piece, true, fua, out);
  }
  execute(out);
}

}  // namespace hamail::drbdlite
