#include "hamail/mailsvc/dnsd/zone_set.h"

#include "hamail/mailsvc/dnsloader/load_authority.h"

namespace hamail::mailsvc::dnsd {

ZoneSet load_zone_set(const std::vector<ZoneConfig>& zones) {
  std::vector<dnsloader::ZoneSource> sources;
  for (const auto& z : zones) {
    auto name = dns::Name::from_text(z.name);
    if (name) sources.push_back({*name, z.file});
  }
  auto loaded = dnsloader::load_authority(sources);
  ZoneSet set;
  for (const auto& z : zones) {
    ZoneState st{z.name, std::nullopt, {}};
    auto name = dns::Name::from_text(z.name);
    const dns::Zone* zone = name ? loaded.authority.find_zone(*name) : nullptr;
    if (zone != nullptr && zone->apex().key() == name->key()) {
      st.serial = zone->serial();
    } else {
      if (name)
        for (const auto& e : loaded.errors)
          if (e.rfind("zone " + name->to_text() + ": ", 0) == 0) st.error = e;
      if (st.error.empty()) st.error = z.file + ": not loaded";
    }
    set.zones.push_back(std::move(st));
  }
  set.authority = std::make_shared<const dns::Authority>(std::move(loaded.authority));
  return set;
}

}  // namespace hamail::mailsvc::dnsd
