// A DNS message as the decoder produces it and the encoder takes it: header flags,
// questions, the three record sections, and the EDNS0 OPT record kept apart (RFC 6891).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hamail/mailsvc/dns/record.h"
#include "hamail/mailsvc/dns/types.h"

namespace hamail::mailsvc::dns {

struct Header {
  std::uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
  std::uint8_t opcode = 0;  // 4 bits
  std::uint16_t rcode = 0;  // up to 12 bits; the encoder puts bits 4-11 in OPT
};

struct Question {
  Name name;
  std::uint16_t type = 0;
  std::uint16_t klass = kClassIN;
};

struct Edns {
  std::uint8_t version = 0;
  std::uint16_t udp_size = 512;
  bool dnssec_ok = false;
  std::vector<std::uint8_t> options;  // raw option TLVs, kept as received
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<Record> answer, authority, additional;  // OPT is never in `additional`
  // The authority section only adds information (NSD's "optional authority": the zone's NS
  // on a positive answer): the encoder drops what does not fit without setting TC.
  bool authority_is_optional = false;
  std::optional<Edns> edns;
};

}  // namespace hamail::mailsvc::dns
