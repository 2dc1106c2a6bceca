// The numbers of the DNS protocol this server uses: RR types, classes, opcodes, rcodes
// (RFC 1035, 3596, 2782, 6672, 8659, 6891). Plain uint16 constants, so an unknown type
// (RFC 3597) is just another number.
#pragma once

#include <cstdint>

namespace hamail::mailsvc::dns {

namespace rrtype {
inline constexpr std::uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28,
                               SRV = 33, DNAME = 39, OPT = 41, DS = 43, IXFR = 251, AXFR = 252, ANY = 255, CAA = 257;
}
inline constexpr std::uint16_t kClassIN = 1;
inline constexpr std::uint16_t kClassANY = 255;

enum class Opcode : std::uint8_t { Query = 0, IQuery = 1, Status = 2, Notify = 4, Update = 5 };

// Rcodes up to 12 bits (the upper 8 in the OPT record, RFC 6891).
namespace rcode {
inline constexpr std::uint16_t NoError = 0, FormErr = 1, ServFail = 2, NXDomain = 3, NotImp = 4, Refused = 5,
                               YXDomain = 6, NotAuth = 9, BadVers = 16;
}

}  // namespace hamail::mailsvc::dns
