// VolumeSet: the volumes drbdlited serves (one VolumeRunner each, from cluster.yaml's
// `volumes:`) and the answers to decoded control requests on them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hamail/control/control_server.h"
#include "hamail/drbdlite/daemon/control_request.h"
#include "hamail/drbdlite/daemon/volume_runner.h"

namespace hamail::drbdlite {

class VolumeSet {
 public:
  VolumeSet(const Logger& log, std::string config_path) : log_(log), config_path_(std::move(config_path)) {}

  void add(std::unique_ptr<VolumeRunner> v) { volumes_[v->name()] = std::move(v); }
  std::size_t size() const { return volumes_.size(); }

  // The reply to a raw control-socket line (decoded first), or nothing when answered
  // through the session (events).
  std::optional<nlohmann::json> answer(const nlohmann::json& raw, ControlSession& session);
  // Every volume's status, as `drbdlite status --json` lists them (the metrics' gauges).
  nlohmann::json volume_statuses() const;
  void up_all();
  void terminate_all();  // daemon shutdown

 private:
  nlohmann::json run(const ControlRequest& r, VolumeRunner& v);
  nlohmann::json status(const std::string& volume) const;

  const Logger& log_;
  std::string config_path_;
  std::map<std::string, std::unique_ptr<VolumeRunner>> volumes_;
};

}  // namespace hamail::drbdlite
