// Message to wire format with name compression (owner names, questions, and the RDATA
// names RFC 3597 allows) within a size limit, truncating as NSD's packet.c does: an RRset
// of the answer or (required) authority section that does not fit is dropped whole, TC is
// set and nothing more is written (RRsets before it stay: one big answer RRset leaves the
// answer empty); in the additional and an optional authority section a record that does
// not fit ends its RRset, later RRsets are still tried, and TC stays clear. The OPT
// record's room is kept first so it is always sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hamail/mailsvc/dns/message.h"
#include "hamail/mailsvc/dns/record_ref.h"

namespace hamail::mailsvc::dns {

inline constexpr std::size_t kMaxUdpPlain = 512;
inline constexpr std::size_t kMaxTcp = 65535;

// Records of one section with the same owner, type and class form an RRset (the encoder
// treats consecutive such records as one unit). `max_size` >= 512 is expected.
std::vector<std::uint8_t> encode_message(const Message& message, std::size_t max_size = kMaxTcp);

// A question by reference (its name in wire form, case as asked).
struct QuestionRef {
  WireName name;
  std::uint16_t type = 0;
  std::uint16_t klass = kClassIN;
};

// The same encoder over references, into `out` (cleared first; a reused buffer keeps its
// capacity): what the answer path uses, allocation-free for up to 128 compressible name
// suffixes. encode_message() is this with the Message's names put in wire form.
void encode_response(const Header& header, std::span<const QuestionRef> questions, const ResponseRefs& sections,
                     const Edns* edns, std::size_t max_size, std::vector<std::uint8_t>& out);

}  // namespace hamail::mailsvc::dns
