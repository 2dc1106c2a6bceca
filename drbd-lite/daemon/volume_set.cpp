#include "hamail/drbdlite/daemon/volume_set.h"

namespace hamail::drbdlite {

using nlohmann::json;
using Command = ControlRequest::Command;

std::optional<json> VolumeSet::answer(const json& raw, ControlSession& session) {
  auto req = decode_control_request(raw);
  if (!req) return json{{"ok", false}, {"error", req.error()}};
  if (req->command == Command::events) {
    session.subscribe();
    return json{{"ok", true}};
  }
  if (req->command == Command::status) return status(req->volume);
  auto it = volumes_.find(req->volume);
  if (it == volumes_.end()) return json{{"ok", false}, {"error", "no volume named '" + req->volume + "' in " + config_path_}};
  return run(*req, *it->second);
}

json VolumeSet::run(const ControlRequest& r, VolumeRunner& v) {
  Status st;
  switch (r.command) {
    case Command::create_md: st = v.create_md(r.force); break;
    case Command::up: st = v.up(); break;
    case Command::down: st = v.down(); break;
    case Command::primary: st = v.primary(r.force); break;
    case Command::secondary: st = v.secondary(); break;
    case Command::connect: st = v.connect(r.discard_my_data); break;
    case Command::disconnect: st = v.disconnect(); break;
    case Command::invalidate: st = v.invalidate(); break;
    case Command::verify: st = v.verify(); break;
    case Command::resume_io: st = v.resume_io(); break;
    case Command::outdate: st = v.outdate(); break;
    case Command::status:
    case Command::events: break;  // answered by answer()
  }
  if (!st) return {{"ok", false}, {"error", st.message()}};
  return {{"ok", true}, {"status", v.status()}};
}

json VolumeSet::status(const std::string& volume) const {
  json list = json::array();
  for (const auto& [name, v] : volumes_)
    if (volume.empty() || volume == name) list.push_back(v->status());
  if (!volume.empty() && list.empty())
    return {{"ok", false}, {"error", "no volume named '" + volume + "' in " + config_path_}};
  return {{"ok", true}, {"volumes", list}};
}

json VolumeSet::volume_statuses() const {
  json list = json::array();
  for (const auto& [name, v] : volumes_) list.push_back(v->status());
  return list;
}

void VolumeSet::up_all() {
  for (auto& [name, v] : volumes_)
    if (Status st = v->up(); !st) log_.error("up_failed").kv("volume", name).kv("error", st.message());
}

void VolumeSet::terminate_all() {
  for (auto& [name, v] : volumes_)
    if (Status st = v->terminate(); !st) log_.error("down_failed").kv("volume", name).kv("error", st.message());
  volumes_.clear();
}

}  // namespace hamail::drbdlite
