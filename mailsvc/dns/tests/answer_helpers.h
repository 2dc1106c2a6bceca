// Answer-test helpers: ask the test Authority and describe sections compactly
// ("owner TYPE" per record) so expectations read like dig output.
#pragma once

#include <string>
#include <vector>

#include "hamail/mailsvc/dns/authority.h"
#include "test_packets.h"
#include "test_zone.h"

namespace hamail::mailsvc::dns::test {

inline std::string type_name(std::uint16_t t) {
  switch (t) {
    case rrtype::A: return "A";
    case rrtype::NS: return "NS";
    case rrtype::CNAME: return "CNAME";
    case rrtype::SOA: return "SOA";
    case rrtype::MX: return "MX";
    case rrtype::TXT: return "TXT";
    case rrtype::AAAA: return "AAAA";
    case rrtype::SRV: return "SRV";
    case rrtype::DNAME: return "DNAME";
    default: return "TYPE" + std::to_string(t);
  }
}

inline std::vector<std::string> describe(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.owner.to_text() + " " + type_name(r.type));
  return out;
}

inline Answer ask(const Authority& a, const std::string& name, std::uint16_t type, TransportLimits limits = {}) {
  return a.answer(query(name, type), limits);
}

using Lines = std::vector<std::string>;

}  // namespace hamail::mailsvc::dns::test
