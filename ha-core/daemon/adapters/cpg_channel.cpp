#include "hamail/hacore/daemon/adapters/cpg_channel.h"

#include <corosync/cpg.h>
#include <sys/uio.h>

#include <cstring>
#include <ctime>

#include "hamail/hacore/corosync/membership_source.h"

namespace hamail::hacore {
namespace {

CpgChannel* self_of(cpg_handle_t h) {
  void* ctx = nullptr;
  cpg_context_get(h, &ctx);
  return static_cast<CpgChannel*>(ctx);
}

void on_deliver(cpg_handle_t h, const struct cpg_name*, uint32_t nodeid, uint32_t, void* msg, size_t len) {
  if (auto* s = self_of(h)) s->deliver(nodeid, msg, len);
}

void on_confchg(cpg_handle_t h, const struct cpg_name*, const struct cpg_address* members, size_t n,
                const struct cpg_address*, size_t, const struct cpg_address*, size_t) {
  std::vector<std::uint32_t> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back(members[i].nodeid);
  if (auto* s = self_of(h)) s->confchg(ids);
}

}  // namespace

CpgChannel::CpgChannel(uv::EventLoop& loop, Callbacks cb) : loop_(loop), cb_(std::move(cb)), watcher_(loop), retry_(loop) {}

CpgChannel::~CpgChannel() { finalize(); }

void CpgChannel::finalize() {
  watcher_.stop();
  retry_.stop();
  if (open_) cpg_finalize(handle_);
  open_ = false;
}

Status CpgChannel::join(const std::string& group) {
  cpg_handle_t h = 0;
  cs_error_t rc = CS_OK;
  cpg_model_v1_data_t data{};
  data.model = CPG_MODEL_V1;
  data.cpg_deliver_fn = on_deliver;
  data.cpg_confchg_fn = on_confchg;
  rc = cpg_model_initialize(&h, CPG_MODEL_V1, reinterpret_cast<cpg_model_data_t*>(&data), this);
  if (rc != CS_OK) return Error{"cpg_model_initialize: " + corosync::corosync_error_text(rc)};
  handle_ = h;
  open_ = true;
  unsigned int nodeid = 0;
  if ((rc = cpg_local_get(h, &nodeid)) != CS_OK) {
    finalize();
    return Error{"cpg_local_get: " + corosync::corosync_error_text(rc)};
  }
  local_nodeid_ = nodeid;
  struct cpg_name name {};
  if (group.size() >= sizeof(name.value)) {
    finalize();
    return Error{"CPG group name too long: " + group};
  }
  name.length = static_cast<uint32_t>(group.size());
  std::memcpy(name.value, group.data(), group.size());
  for (int attempt = 0; attempt < 50; ++attempt) {  // corosync may still be settling: bounded retries
    rc = cpg_join(h, &name);
    if (rc != CS_ERR_TRY_AGAIN) break;
    struct timespec ts{0, 100 * 1000 * 1000};
    nanosleep(&ts, nullptr);
  }
  if (rc != CS_OK) {
    finalize();
    return Error{"cpg_join(" + group + "): " + corosync::corosync_error_text(rc)};
  }
  int fd = -1;
  if ((rc = cpg_fd_get(h, &fd)) != CS_OK) {
    finalize();
    return Error{"cpg_fd_get: " + corosync::corosync_error_text(rc)};
  }
  return watcher_.start(fd, [this] {
    if (cb_.before_dispatch) cb_.before_dispatch();
    cs_error_t r = cpg_dispatch(handle_, CS_DISPATCH_ALL);
    if (r != CS_OK && r != CS_ERR_TRY_AGAIN) {
      std::string err = "cpg_dispatch: " + corosync::corosync_error_text(r);
      finalize();
      if (cb_.on_failure) cb_.on_failure(err);
    }
  });
}

Status CpgChannel::send(std::string data) {
  if (!open_) return Error{"not connected to corosync"};
  if (queue_.size() >= kMaxQueued) return Error{"corosync send queue full (" + std::to_string(kMaxQueued) + " messages)"};
  queue_.push_back(std::move(data));
  flush_queue();
  return Status::ok();
}

void CpgChannel::flush_queue() {
  while (open_ && !queue_.empty()) {
    struct iovec iov {const_cast<char*>(queue_.front().data()), queue_.front().size()};
    cs_error_t rc = cpg_mcast_joined(handle_, CPG_TYPE_AGREED, &iov, 1);
    if (rc == CS_ERR_TRY_AGAIN) {
      retry_.start(10, [this] { flush_queue(); });  // corosync flow control: try again shortly
      return;
    }
    if (rc != CS_OK) {
      std::string err = "cpg_mcast_joined: " + corosync::corosync_error_text(rc);
      finalize();
      if (cb_.on_failure) cb_.on_failure(err);
      return;
    }
    queue_.pop_front();
  }
}

void CpgChannel::deliver(std::uint32_t nodeid, const void* data, std::size_t len) {
  if (cb_.on_message) cb_.on_message(nodeid, std::string_view(static_cast<const char*>(data), len));
}

void CpgChannel::confchg(const std::vector<std::uint32_t>& members) {
  if (cb_.on_membership) cb_.on_membership(members);
}

}  // namespace hamail::hacore
