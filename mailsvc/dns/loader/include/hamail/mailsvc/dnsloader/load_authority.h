// Loads every configured zone into one dns::Authority for the daemon (start and reload):
// a zone that fails to load is left out and reported, the others are served.
#pragma once

#include <string>
#include <vector>

#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dnsloader/zone_file.h"

namespace hamail::mailsvc::dnsloader {

struct ZoneSource {
  dns::Name origin;
  std::string path;
};

struct LoadedAuthority {
  dns::Authority authority;
  std::vector<std::string> errors;  // one "file:line: what" per zone left out
};

LoadedAuthority load_authority(const std::vector<ZoneSource>& zones, const ZoneFileOptions& options = {});

}  // namespace hamail::mailsvc::dnsloader
