// A resource record: owner, type, class, TTL and RDATA. RDATA is kept in wire form with
// every name uncompressed (case preserved), so unknown types (RFC 3597) need nothing
// special; rdata_names() says where the names of the known types are.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hamail/mailsvc/dns/name.h"

namespace hamail::mailsvc::dns {

struct Record {
  Name owner;
  std::uint16_t type = 0;
  std::uint16_t klass = 1;
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;
};

// A name inside RDATA: where it starts, and whether the encoder may compress it
// (RFC 3597 section 4: only the RFC 1035 types NS, CNAME, SOA, PTR, MX here).
struct RdataName {
  std::size_t offset = 0;
  Name name;
  bool compressible = false;
};

// The names in `rdata` of `type` (NS, CNAME, PTR, DNAME: one; MX: one after 2 octets;
// SRV: one after 6; SOA: two then 20 octets), or an error when RDATA does not have the
// type's shape (lengths of A/AAAA/SOA tails too). Other types: no names, no checks.
Result<std::vector<RdataName>> rdata_names(std::uint16_t type, const std::vector<std::uint8_t>& rdata);

// The target name of NS, CNAME, DNAME, PTR, MX and SRV RDATA; nullopt for other types.
std::optional<Name> rdata_target(std::uint16_t type, const std::vector<std::uint8_t>& rdata);

// Appends `name` in uncompressed wire form.
void append_name(std::vector<std::uint8_t>& out, const Name& name);

// SOA fields needed by the answer engine: MINIMUM (the negative TTL) and SERIAL.
std::optional<std::uint32_t> soa_minimum(const std::vector<std::uint8_t>& rdata);
std::optional<std::uint32_t> soa_serial(const std::vector<std::uint8_t>& rdata);

}  // namespace hamail::mailsvc::dns
