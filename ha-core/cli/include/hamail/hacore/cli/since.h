// `hactl events --since T`: T is an ISO-8601 UTC time (2026-11-26T14:08:51.123Z), a
// duration back from now (90s, 10m, 1h30m, 2d) or epoch milliseconds. Pure: the caller
// passes now.
#pragma once

#include <cstdint>
#include <string_view>

#include "hamail/base/result.h"

namespace hamail::hactl {

Result<std::int64_t> resolve_since(std::string_view text, std::int64_t now_ms);

// "1.5" / "30" / "30s" -> milliseconds (> 0, at most a day), for --timeout.
Result<std::int64_t> parse_seconds(std::string_view text);

}  // namespace hamail::hactl
