// An AXFR answer as DNS messages (RFC 5936): the zone's records in order, packed into
// messages of at most kAxfrMessageBytes each; the first carries the question.
#pragma once

#include <cstdint>
#include <vector>

#include "hamail/mailsvc/dns/message.h"
#include "hamail/mailsvc/dns/zone.h"

namespace hamail::mailsvc::dnsd {

inline constexpr std::size_t kAxfrMessageBytes = 16384;

// `header_of` is the Transfer answer's response (id, flags, question).
std::vector<std::vector<std::uint8_t>> axfr_messages(const dns::Message& header_of, const dns::Zone& zone,
                                                     std::size_t message_bytes = kAxfrMessageBytes);

}  // namespace hamail::mailsvc::dnsd
