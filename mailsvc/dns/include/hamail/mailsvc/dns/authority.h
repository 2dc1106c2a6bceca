// The authoritative answer engine: a set of zones and answer(), which turns one query into
// the response NSD would give (RFC 1034 4.3.2, RFC 6672 DNAME, RFC 4592 wildcards), or
// tells the daemon to drop the packet or to run a zone transfer itself. No I/O; the daemon
// keeps an Authority per zone generation and swaps it whole on reload.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "hamail/mailsvc/dns/message.h"
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
  std::size_t zone_count() const { return zones_.size(); }

  // A decoded query. Order of checks as NSD: QR set -> Drop; opcode other than QUERY ->
  // NOTIMP; QDCOUNT != 1, TC set, records in the answer or authority section -> FORMERR;
  // EDNS version != 0 -> BADVERS; class other than IN/ANY -> REFUSED; AXFR/IXFR at a
  // zone apex -> Transfer; a name in no zone -> REFUSED; else the lookup.
  Answer answer(const Message& query, const TransportLimits& limits) const;
  // Raw bytes: no header -> Drop; undecodable -> FORMERR (header fields copied); else answer().
  Answer answer_packet(std::span<const std::uint8_t> packet, const TransportLimits& limits) const;

 private:
  std::map<std::string, Zone> zones_;  // by apex Name::key()
};

}  // namespace hamail::mailsvc::dns
