// Wire format to Message, strict (RFC 1035 4.1, RFC 6891): any malformed packet is an
// error value, never a crash. Rejected: short or truncated data, counts that do not match
// the data, compression pointers that loop, point forward or out of the packet, names over
// 255 octets, bad label types, RDATA not matching its type, more than one OPT or OPT
// outside the additional section or not at the root, and bytes after the last record.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "hamail/mailsvc/dns/message.h"

namespace hamail::mailsvc::dns {

Result<Message> decode_message(std::span<const std::uint8_t> packet);

// decode_message plus what a query must be: QR=0 and exactly one question.
Result<Message> decode_query(std::span<const std::uint8_t> packet);

// The 12-octet header alone, when the packet has one (to answer FORMERR to a query whose
// body is malformed).
std::optional<Header> peek_header(std::span<const std::uint8_t> packet);

}  // namespace hamail::mailsvc::dns
