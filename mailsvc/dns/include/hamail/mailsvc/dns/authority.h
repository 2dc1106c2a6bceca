// The authoritative answer engine: a set of zones and answer(), which turns one query into
// the response NSD would give (RFC 1034 4.3.2, RFC 6672 DNAME, RFC 4592 wildcards), or
// tells the daemon to drop the packet or to run a zone transfer itself. No I/O; the daemon
// keeps an Authority per zone generation and swaps it whole on reload.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hamail/mailsvc/dns/message.h"
#include "hamail/mailsvc/dns/name_key.h"
#include "hamail/mailsvc/dns/query_scratch.h"
#include "hamail/mailsvc/dns/zone.h"

namespace hamail::mailsvc::dns {

struct TransportLimits {
  bool tcp = false;
  std::uint16_t server_udp_size = 1232;  // our EDNS UDP size (advertised, and the cap)
};

enum class AnswerKind {
  Reply,     // send encode_message(response, max_size)
  Transfer,  // AXFR/IXFR for transfer_zone: the daemon checks its ACL and streams
             // transfer_zone->axfr_records() (over TCP); `response` is the header to reuse
  Drop,      // no header, or a response (QR=1): send nothing (as NSD)
};

struct Answer {
  AnswerKind kind = AnswerKind::Drop;
  Message response;
  std::size_t max_size = 512;  // 65535 on TCP; min(max(client EDNS size, 512), ours) on UDP
  const Zone* transfer_zone = nullptr;
  std::vector<std::uint8_t> encode() const;  // encode_message(response, max_size)
};

class Authority {
 public:
  // Adds a finished zone, replacing one with the same apex.
  void put_zone(Zone zone);
  bool remove_zone(const Name& apex);
  // The zone with the longest apex that `name` is in, or nullptr.
  const Zone* find_zone(const Name& name) const;
  // The same for the name of `key`'s last `keep` labels: a hash probe per label, no allocation.
  const Zone* find_zone(const NameKey& key, std::size_t keep) const;
  std::size_t zone_count() const { return zones_.size(); }

  // NSD's minimal-responses: no zone NS in the authority section of positive answers
  // (and so none of their addresses in additional). Off by default, as in NSD.
  void set_minimal_responses(bool on) { minimal_responses_ = on; }

  // A decoded query. Checks in NSD's order (query.c): QR set -> Drop; opcode other than
  // QUERY/NOTIFY -> NOTIMP; rcode bits set -> FORMERR; NOTIFY -> REFUSED (we are a primary;
  // NXDOMAIN for a zone we do not serve); QDCOUNT != 1, records in the answer, authority
  // (but IXFR's) or additional section -> FORMERR; EDNS version != 0 -> BADVERS; class
  // other than IN/ANY -> REFUSED; AXFR over UDP -> NOTIMP; AXFR/IXFR at a zone apex ->
  // Transfer, elsewhere NOTAUTH; a name in no zone
  // -> REFUSED; else the lookup. Error replies carry no question, as NSD's (BADVERS does).
  Answer answer(const Message& query, const TransportLimits& limits) const;
  // Raw bytes: no header -> Drop; undecodable -> FORMERR (header fields copied); else answer().
  Answer answer_packet(std::span<const std::uint8_t> packet, const TransportLimits& limits) const;
  // The plain query -- opcode QUERY, no rcode bits, one uncompressed question of class IN
  // or ANY and type other than AXFR/IXFR, nothing else but an OPT record of version 0 --
  // answered straight into `out`: the bytes answer_packet(packet, limits).encode() gives,
  // with no allocation once `scratch` and `out` are warm. False, nothing written, for any
  // other packet (the caller uses answer_packet).
  bool answer_plain(std::span<const std::uint8_t> packet, const TransportLimits& limits, QueryScratch& scratch,
                    std::vector<std::uint8_t>& out) const;

 private:
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
  };
  // The lookup of `name` (wire form) into scratch.refs, setting AA and the rcode in `header`.
  void lookup(WireName name, std::uint16_t qtype, std::uint16_t qclass, Header& header, QueryScratch& scratch) const;

  std::unordered_map<std::string, Zone, KeyHash, std::equal_to<>> zones_;  // by apex Name::key()
  bool minimal_responses_ = false;
  std::size_t max_apex_labels_ = 0;  // no zone's apex has more labels (find_zone starts there)
};

}  // namespace hamail::mailsvc::dns
