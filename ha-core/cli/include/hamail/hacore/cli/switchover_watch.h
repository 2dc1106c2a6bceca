// SwitchoverWatch: follows one switchover in hacored's event stream for
// `hactl switchover --wait`. It keeps only events of this switchover (by id; phases,
// which carry only the group, once the switchover began) and turns them into progress
// lines and, at switchover_end / switchover_failed, an exit code. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hamail::hactl {

class SwitchoverWatch {
 public:
  struct Step {
    std::vector<std::string> out;  // progress lines for stdout
    std::optional<int> exit;       // set when the switchover ended: 0 done, 1 failed
    std::string error;             // for stderr when it failed
  };

  // `accepted` is hacored's reply ({"ok":true,"id":..,"group":..,"to":..}); `sent_ms` the
  // epoch ms the request was sent (phases from before it belong to an earlier switchover).
  SwitchoverWatch(const nlohmann::json& accepted, std::int64_t sent_ms);

  Step on_event(const nlohmann::json& event);
  std::string accepted_line(std::int64_t timeout_ms) const;
  std::string timeout_message(std::int64_t timeout_ms) const;
  std::string closed_message() const;

 private:
  bool ours(const nlohmann::json& event) const;

  std::optional<std::uint64_t> id_;
  std::string group_;
  std::string to_;
  std::int64_t sent_ms_ = 0;
  bool began_ = false;
};

}  // namespace hamail::hactl
