// The answer engine's test zones, built in memory: example.org with every case of the
// lookup (see test_zone.cpp for the records) and other.test for cross-zone chains.
#pragma once

#include "hamail/mailsvc/dns/authority.h"

namespace hamail::mailsvc::dns::test {

Authority test_authority();
extern const std::string kLongLabel;  // 60 octets, for the YXDOMAIN case

}  // namespace hamail::mailsvc::dns::test
