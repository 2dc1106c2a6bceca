// A record of a response by reference: owner and RDATA point into the zone (or the query,
// or a per-query scratch buffer), so answering copies nothing until the encoder writes the
// packet. The sections the answer engine fills and the encoder reads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hamail/mailsvc/dns/types.h"
#include "hamail/mailsvc/dns/wire_name.h"

namespace hamail::mailsvc::dns {

struct RecordRef {
  WireName owner;  // uncompressed wire form
  std::uint16_t type = 0;
  std::uint16_t klass = kClassIN;
  std::uint32_t ttl = 0;
  std::span<const std::uint8_t> rdata;  // names uncompressed, as Record::rdata
};

// The three record sections of a response (cleared and refilled per query; their capacity
// is kept, so a reused one allocates nothing in the steady state).
struct ResponseRefs {
  std::vector<RecordRef> answer, authority, additional;
  bool authority_is_optional = false;  // as Message::authority_is_optional
  void clear() {
    answer.clear();
    authority.clear();
    additional.clear();
    authority_is_optional = false;
  }
};

}  // namespace hamail::mailsvc::dns
