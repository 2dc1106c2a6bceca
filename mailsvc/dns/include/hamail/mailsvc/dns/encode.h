// Message to wire format with name compression (owner names, questions, and the RDATA
// names RFC 3597 allows) within a size limit, truncating as NSD does: a record set of the
// answer or authority section that does not fit is dropped with everything after it and
// TC set (the answer section is then emptied whole); additional RRsets that do not fit are
// left out without TC. The OPT record's room is kept first so it is always sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hamail/mailsvc/dns/message.h"

namespace hamail::mailsvc::dns {

inline constexpr std::size_t kMaxUdpPlain = 512;
inline constexpr std::size_t kMaxTcp = 65535;

// Records of one section with the same owner, type and class form an RRset (the encoder
// treats consecutive such records as one unit). `max_size` >= 512 is expected.
std::vector<std::uint8_t> encode_message(const Message& message, std::size_t max_size = kMaxTcp);

}  // namespace hamail::mailsvc::dns
