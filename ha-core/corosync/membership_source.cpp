#include "hamail/hacore/corosync/membership_source.h"

#include <corosync/corotypes.h>
#include <corosync/cpg.h>
#include <corosync/quorum.h>

#include <algorithm>
#include <cstring>

namespace hamail::corosync {
namespace {

MembershipSource* from_quorum(quorum_handle_t h) {
  void* ctx = nullptr;
  quorum_context_get(h, const_cast<const void**>(&ctx));
  return static_cast<MembershipSource*>(ctx);
}

MembershipSource* from_cpg(cpg_handle_t h) {
  void* ctx = nullptr;
  cpg_context_get(h, &ctx);
  return static_cast<MembershipSource*>(ctx);
}

void quorum_notify(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring_id, uint32_t n,
                   const uint32_t* members) {
  if (auto* self = from_quorum(h)) self->on_quorum(quorate != 0, ring_id.seq, ring_id.nodeid, members, n);
}

void cpg_totem(cpg_handle_t h, struct cpg_ring_id ring_id, uint32_t n, const uint32_t* members) {
  if (auto* self = from_cpg(h)) self->on_totem(ring_id.seq, members, n);
}

void cpg_deliver(cpg_handle_t, const struct cpg_name*, uint32_t, uint32_t, void*, size_t) {}
void cpg_confchg(cpg_handle_t, const struct cpg_name*, const struct cpg_address*, size_t,
                 const struct cpg_address*, size_t, const struct cpg_address*, size_t) {}

}  // namespace

std::string corosync_error_text(int e) {
  switch (e) {
    case CS_OK: return "CS_OK";
    case CS_ERR_LIBRARY: return "CS_ERR_LIBRARY (corosync is not running or not reachable)";
    case CS_ERR_TRY_AGAIN: return "CS_ERR_TRY_AGAIN (corosync is busy, try again)";
    case CS_ERR_ACCESS: return "CS_ERR_ACCESS (permission denied by corosync)";
    case CS_ERR_BAD_HANDLE: return "CS_ERR_BAD_HANDLE";
    case CS_ERR_NOT_EXIST: return "CS_ERR_NOT_EXIST";
    case CS_ERR_EXIST: return "CS_ERR_EXIST";
    case CS_ERR_NO_MEMORY: return "CS_ERR_NO_MEMORY";
    case CS_ERR_INVALID_PARAM: return "CS_ERR_INVALID_PARAM";
    case CS_ERR_TIMEOUT: return "CS_ERR_TIMEOUT";
    default: return "corosync error " + std::to_string(e);
  }
}

MembershipSource::~MembershipSource() { disconnect(); }

void MembershipSource::disconnect() {
  if (cpg_open_) cpg_finalize(cpg_handle_);
  if (quorum_open_) quorum_finalize(quorum_handle_);
  cpg_open_ = quorum_open_ = false;
  quorum_fd_ = cpg_fd_ = -1;
}

Status MembershipSource::connect(const std::string& group, Callback on_change) {
  on_change_ = std::move(on_change);
  quorum_model_v1_data_t qdata{};
  qdata.model = QUORUM_MODEL_V1;
  qdata.quorum_notify_fn = quorum_notify;
  uint32_t quorum_type = 0;
  quorum_handle_t qh = 0;
  cs_error_t rc = quorum_model_initialize(&qh, QUORUM_MODEL_V1, reinterpret_cast<quorum_model_data_t*>(&qdata),
                                          &quorum_type, this);
  if (rc != CS_OK) return Error{"quorum_model_initialize: " + corosync_error_text(rc)};
  quorum_handle_ = qh;
  quorum_open_ = true;
  if (quorum_type != QUORUM_SET) {
    disconnect();
    return Error{"corosync has no quorum provider configured (quorum { provider: corosync_votequorum })"};
  }
  if ((rc = quorum_fd_get(qh, &quorum_fd_)) != CS_OK) {
    disconnect();
    return Error{"quorum_fd_get: " + corosync_error_text(rc)};
  }
  if ((rc = quorum_trackstart(qh, CS_TRACK_CHANGES | CS_TRACK_CURRENT)) != CS_OK) {
    disconnect();
    return Error{"quorum_trackstart: " + corosync_error_text(rc)};
  }

  cpg_model_v1_data_t cdata{};
  cdata.model = CPG_MODEL_V1;
  cdata.cpg_deliver_fn = cpg_deliver;
  cdata.cpg_confchg_fn = cpg_confchg;
  cdata.cpg_totem_confchg_fn = cpg_totem;
  cdata.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF;
  cpg_handle_t ch = 0;
  if ((rc = cpg_model_initialize(&ch, CPG_MODEL_V1, reinterpret_cast<cpg_model_data_t*>(&cdata), this)) != CS_OK) {
    disconnect();
    return Error{"cpg_model_initialize: " + corosync_error_text(rc)};
  }
  cpg_handle_ = ch;
  cpg_open_ = true;
  unsigned int nodeid = 0;
  if ((rc = cpg_local_get(ch, &nodeid)) != CS_OK) {
    disconnect();
    return Error{"cpg_local_get: " + corosync_error_text(rc)};
  }
  view_.local_nodeid = nodeid;
  struct cpg_name name {};
  if (group.size() >= sizeof(name.value)) {
    disconnect();
    return Error{"CPG group name too long: " + group};
  }
  name.length = static_cast<uint32_t>(group.size());
  std::memcpy(name.value, group.data(), group.size());
  if ((rc = cpg_join(ch, &name)) != CS_OK) {
    disconnect();
    return Error{"cpg_join(" + group + "): " + corosync_error_text(rc)};
  }
  if ((rc = cpg_fd_get(ch, &cpg_fd_)) != CS_OK) {
    disconnect();
    return Error{"cpg_fd_get: " + corosync_error_text(rc)};
  }
  return Status::ok();
}

Status MembershipSource::dispatch_quorum() {
  cs_error_t rc = quorum_dispatch(quorum_handle_, CS_DISPATCH_ALL);
  if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) return Error{"quorum_dispatch: " + corosync_error_text(rc)};
  return Status::ok();
}

Status MembershipSource::dispatch_cpg() {
  cs_error_t rc = cpg_dispatch(cpg_handle_, CS_DISPATCH_ALL);
  if (rc != CS_OK && rc != CS_ERR_TRY_AGAIN) return Error{"cpg_dispatch: " + corosync_error_text(rc)};
  return Status::ok();
}

Status MembershipSource::refresh_quorate() {
  if (!quorum_open_) return Error{"not connected to corosync"};
  int quorate = 0;
  cs_error_t rc = quorum_getquorate(quorum_handle_, &quorate);
  if (rc != CS_OK) return Error{"quorum_getquorate: " + corosync_error_text(rc)};
  if (!have_quorum_ || view_.quorate == (quorate != 0)) return Status::ok();  // the first report comes by callback
  view_.quorate = quorate != 0;
  if (on_change_) on_change_(view_);
  return Status::ok();
}

void MembershipSource::on_quorum(bool quorate, std::uint64_t seq, std::uint32_t leader, const std::uint32_t* ids,
                                 std::uint32_t n) {
  view_.quorate = quorate;
  view_.ring_seq = seq;
  view_.ring_leader = leader;
  view_.members.assign(ids, ids + n);
  std::sort(view_.members.begin(), view_.members.end());
  have_quorum_ = true;
  if (on_change_) on_change_(view_);
}

void MembershipSource::on_totem(std::uint64_t, const std::uint32_t* ids, std::uint32_t n) {
  view_.totem_members.assign(ids, ids + n);
  std::sort(view_.totem_members.begin(), view_.totem_members.end());
  have_totem_ = true;
  if (on_change_) on_change_(view_);
}

}  // namespace hamail::corosync
