// Names in uncompressed wire form (length-prefixed labels ending in the root label), as
// the question arrives, as RDATA holds them and as a Node keeps its owner: the answer path
// references them in place instead of building Name objects.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hamail/mailsvc/dns/name.h"

namespace hamail::mailsvc::dns {

using WireName = std::span<const std::uint8_t>;

// The length of the uncompressed name at the start of `bytes` (root label included), or
// nullopt when it is not one: a pointer or other label type, cut short, over 255 octets.
std::optional<std::size_t> wire_name_length(std::span<const std::uint8_t> bytes);
// Case-insensitive equality of two well-formed wire names.
bool wire_equal(WireName a, WireName b);
// A well-formed wire name as a Name.
Name name_from_wire(WireName wire);
// `name` in wire form.
std::vector<std::uint8_t> wire_of(const Name& name);

}  // namespace hamail::mailsvc::dns
