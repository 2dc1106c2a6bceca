// event_line(): one hacored event as one logfmt-like line for `hactl events`:
//   2026-11-26T14:08:51.123Z failover_end group=mail from=node1 to=node2 duration_ms=2315
// The identifying keys come first in a fixed order, then the rest by name.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hamail::hactl {

std::string event_line(const nlohmann::json& event);

}  // namespace hamail::hactl
