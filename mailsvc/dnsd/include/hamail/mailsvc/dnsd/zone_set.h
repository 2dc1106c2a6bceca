// One generation of served zones: the Authority built from the configured zone files
// (shared, read-only: queries use it while a reload builds the next) and, per configured
// zone, whether it loaded and its serial or its error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dnsd/dnsd_config.h"

namespace hamail::mailsvc::dnsd {

struct ZoneState {
  std::string name;
  std::optional<std::uint32_t> serial;  // nullopt: not served
  std::string error;                    // "file:line: what" when it failed
};

struct ZoneSet {
  std::shared_ptr<const dns::Authority> authority;
  std::vector<ZoneState> zones;  // in config order
};

// Loads every configured zone (blocking: file reads); a failing zone is left out.
ZoneSet load_zone_set(const std::vector<ZoneConfig>& zones);

}  // namespace hamail::mailsvc::dnsd
