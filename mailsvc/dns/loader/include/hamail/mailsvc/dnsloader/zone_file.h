// Loads one zone from an RFC 1035 master file into a dns::Zone: $INCLUDE expanded here,
// everything else ($ORIGIN, $TTL, @, relative names, parentheses, comments, escapes, the
// presentation format of every type) parsed by ldns. Errors read "file:line: what".
#pragma once

#include <string>

#include "hamail/base/result.h"
#include "hamail/mailsvc/dns/zone.h"
#include "hamail/mailsvc/dnsloader/include_expander.h"

namespace hamail::mailsvc::dnsloader {

struct ZoneFileOptions {
  std::uint32_t default_ttl = 3600;  // until a $TTL (ldns's default too)
  ExpandLimits limits;
};

// The zone `origin` from `path`; a finished Zone (SOA at the apex checked) or the first
// error. A zone that fails to load is for the caller to leave unserved.
Result<dns::Zone> load_zone_file(const std::string& path, const dns::Name& origin, const ZoneFileOptions& options = {});

}  // namespace hamail::mailsvc::dnsloader
