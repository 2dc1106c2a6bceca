// render_status(): the human view of hacored's status JSON, in the spirit of
// `crm_mon -1`: cluster summary and loud banners, nodes, groups with per-node resource
// states, failed actions, fencing history. Pure; tolerant of missing fields.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hamail::hactl {

// color: the alarms (fencing failed, a failing device) in red, for a terminal.
std::string render_status(const nlohmann::json& status, bool color = false);

// 412 -> "0.41 s"; shared by status, switchover and event texts.
std::string seconds_text(std::int64_t ms);

}  // namespace hamail::hactl
