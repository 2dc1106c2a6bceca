// load_authority: each zone on its own; failures are collected, not fatal.
#include "hamail/mailsvc/dnsloader/load_authority.h"

namespace hamail::mailsvc::dnsloader {

LoadedAuthority load_authority(const std::vector<ZoneSource>& zones, const ZoneFileOptions& options) {
  LoadedAuthority out;
  for (const auto& source : zones) {
    auto zone = load_zone_file(source.path, source.origin, options);
    if (!zone) {
      out.errors.push_back("zone " + source.origin.to_text() + ": " + zone.error());
      continue;
    }
    out.authority.put_zone(std::move(*zone));
  }
  return out;
}

}  // namespace hamail::mailsvc::dnsloader
