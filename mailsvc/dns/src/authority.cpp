// Authority: the zone set, the checks before a lookup, and the response header and EDNS.
#include "hamail/mailsvc/dns/authority.h"

#include <algorithm>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "lookup.h"

namespace hamail::mailsvc::dns {
namespace {

// The response skeleton: id, opcode and RD copied, QR set, CD/AA/RA clear (as NSD).
Message response_to(const Header& query) {
  Message r;
  r.header.id = query.id;
  r.header.opcode = query.opcode;
  r.header.rd = query.rd;
  r.header.qr = true;
  return r;
}

// NSD's query_error: the query's flags with QR set and AD clear, the rcode, no question.
Message error_reply(const Header& query, std::uint16_t code) {
  Message r;
  r.header = query;
  r.header.qr = true;
  r.header.ad = false;
  r.header.rcode = code;
  return r;
}

// NSD's query_formerr: only RD and the opcode kept.
Message formerr(const Header& query) {
  Message r = response_to(query);
  r.header.rcode = rcode::FormErr;
  return r;
}

// BADVERS (RFC 6891 7): the question kept, the query's flags with QR set and AD clear,
// our OPT (version 0) carrying the upper rcode bits.
Message badvers(const Message& query, const TransportLimits& limits) {
  Message r = error_reply(query.header, rcode::BadVers);
  r.questions = query.questions;
  r.edns = Edns{0, limits.server_udp_size, query.edns->dnssec_ok, {}};
  return r;
}

Answer reply(Message response, std::size_t max_size) {
  Answer a;
  a.kind = AnswerKind::Reply;
  a.response = std::move(response);
  a.max_size = max_size;
  return a;
}

std::size_t max_size_for(const Message& query, const TransportLimits& limits) {
  if (limits.tcp) return kMaxTcp;
  if (!query.edns) return kMaxUdpPlain;
  std::size_t asked = std::max<std::size_t>(query.edns->udp_size, kMaxUdpPlain);
  return std::min<std::size_t>(asked, std::max<std::size_t>(limits.server_udp_size, kMaxUdpPlain));
}

// Whether the first question's name (at offset 12 of a decodable packet) uses a
// compression pointer: NSD's question reader refuses that (FORMERR).
bool question_name_compressed(std::span<const std::uint8_t> packet) {
  for (std::size_t at = 12; at < packet.size() && packet[at] != 0; at += 1 + packet[at]) {
    if (packet[at] & 0xC0) return true;
  }
  return false;
}

}  // namespace

std::vector<std::uint8_t> Answer::encode() const { return encode_message(response, max_size); }

void Authority::put_zone(Zone zone) {
  std::string key = zone.apex().key();
  max_apex_labels_ = std::max(max_apex_labels_, zone.apex().label_count());
  zones_.insert_or_assign(std::move(key), std::move(zone));
}

bool Authority::remove_zone(const Name& apex) { return zones_.erase(apex.key()) > 0; }

const Zone* Authority::find_zone(const Name& name) const {
  NameKey key(name);
  return find_zone(key, key.label_count());
}

const Zone* Authority::find_zone(const NameKey& key, std::size_t keep) const {
  keep = std::min(keep, max_apex_labels_);  // a longer suffix is no apex of ours
  for (++keep; keep-- > 0;) {
    auto it = zones_.find(key.suffix(keep));
    if (it != zones_.end()) return &it->second;
  }
  return nullptr;
}

Answer Authority::answer(const Message& query, const TransportLimits& limits) const {
  if (query.header.qr) return Answer{};
  const std::size_t max_size = max_size_for(query, limits);
  const auto opcode = static_cast<Opcode>(query.header.opcode);
  if (opcode != Opcode::Query && opcode != Opcode::Notify) return reply(error_reply(query.header, rcode::NotImp), max_size);
  if (query.header.rcode != 0) return reply(formerr(query.header), max_size);
  if (opcode == Opcode::Notify) {
    // We are a primary: no allow-notify, so NSD's answer: REFUSED for a zone we serve,
    // NXDOMAIN for one we do not.
    bool ours = query.questions.size() == 1 && zones_.count(query.questions[0].name.key());
    return reply(error_reply(query.header, ours ? rcode::Refused : rcode::NXDomain), max_size);
  }
  if (query.questions.size() != 1) {
    Header cleared;  // NSD clears every flag here, RD too
    cleared.id = query.header.id;
    cleared.opcode = query.header.opcode;
    Message r = formerr(cleared);
    // A QDCOUNT=0 probe with only an OPT record gets FORMERR with our OPT (RFC 7873 5.4).
    if (query.questions.empty() && query.edns && query.answer.empty() && query.authority.empty() &&
        query.additional.empty()) {
      r.header.rd = query.header.rd;
      r.edns = Edns{0, limits.server_udp_size, query.edns->dnssec_ok, {}};
    }
    return reply(std::move(r), max_size);
  }
  const Question& q = query.questions[0];
  if (!query.answer.empty() || (q.type != rrtype::IXFR && !query.authority.empty()) || !query.additional.empty()) {
    return reply(formerr(query.header), max_size);
  }
  if (query.edns && query.edns->version != 0) return reply(badvers(query, limits), max_size);
  Message r = response_to(query.header);
  if (query.edns) r.edns = Edns{0, limits.server_udp_size, query.edns->dnssec_ok, {}};
  if (q.klass != kClassIN && q.klass != kClassANY) {
    r.header.rcode = rcode::Refused;  // the question is not echoed (NSD's query_error)
    return reply(std::move(r), max_size);
  }
  r.questions = query.questions;
  if (q.type == rrtype::AXFR && !limits.tcp) {
    r.header.rcode = rcode::NotImp;  // AXFR is TCP only (RFC 5936 4.2): NSD answers NOTIMP, question kept
    return reply(std::move(r), max_size);
  }
  if (q.type == rrtype::AXFR || q.type == rrtype::IXFR) {
    const Zone* zone = find_zone(q.name);
    if (zone && zone->apex() == q.name) {
      Answer a = reply(std::move(r), kMaxTcp);
      a.kind = AnswerKind::Transfer;
      a.transfer_zone = zone;
      return a;
    }
    r.header.rcode = rcode::NotAuth;  // not a zone apex we serve (NSD 4.6: NOTAUTH, below an apex or outside)
    return reply(std::move(r), max_size);
  }
  QueryScratch scratch;
  const std::vector<std::uint8_t> qname = wire_of(q.name);
  lookup(qname, q.type, q.klass, r.header, scratch);
  // The references as records of the Message.
  auto materialize = [](const std::vector<RecordRef>& refs, std::vector<Record>& to) {
    for (const auto& x : refs) {
      to.push_back(Record{name_from_wire(x.owner), x.type, x.klass, x.ttl, {x.rdata.begin(), x.rdata.end()}});
    }
  };
  materialize(scratch.refs.answer, r.answer);
  materialize(scratch.refs.authority, r.authority);
  materialize(scratch.refs.additional, r.additional);
  r.authority_is_optional = scratch.refs.authority_is_optional;
  return reply(std::move(r), max_size);
}

void Authority::lookup(WireName name, std::uint16_t qtype, std::uint16_t qclass, Header& header,
                       QueryScratch& scratch) const {
  Lookup lookup([this](const NameKey& k, std::size_t keep) { return find_zone(k, keep); }, header, scratch, qtype,
                qclass == kClassANY, minimal_responses_);
  lookup.run(name);
}

Answer Authority::answer_packet(std::span<const std::uint8_t> packet, const TransportLimits& limits) const {
  auto header = peek_header(packet);
  if (!header || header->qr) return Answer{};
  auto query = decode_message(packet);
  if (query && !query->questions.empty() && question_name_compressed(packet)) query = Error{"compressed question name"};
  if (!query) {
    auto opcode = static_cast<Opcode>(header->opcode);
    // NSD looks at the opcode before the rest of the packet.
    Message r = opcode != Opcode::Query && opcode != Opcode::Notify ? error_reply(*header, rcode::NotImp) : formerr(*header);
    return reply(std::move(r), limits.tcp ? kMaxTcp : kMaxUdpPlain);
  }
  return answer(*query, limits);
}

bool Authority::answer_plain(std::span<const std::uint8_t> packet, const TransportLimits& limits,
                             QueryScratch& scratch, std::vector<std::uint8_t>& out) const {
  // What answer_packet would decode and answer without an error path, and only that; the
  // checks are those of decode_message and answer() for this shape.
  if (packet.size() < 12) return false;
  const std::uint8_t* p = packet.data();
  auto u16 = [p](std::size_t at) { return static_cast<std::uint16_t>((p[at] << 8) | p[at + 1]); };
  const bool qr = p[2] & 0x80;
  const std::uint8_t opcode = (p[2] >> 3) & 0x0F;
  if (qr || opcode != 0 || (p[3] & 0x0F) != 0) return false;
  const std::uint16_t arcount = u16(10);
  if (u16(4) != 1 || u16(6) != 0 || u16(8) != 0 || arcount > 1) return false;
  auto name_len = wire_name_length(packet.subspan(12));  // a pointer or bad label: not plain
  if (!name_len) return false;
  std::size_t at = 12 + *name_len;
  if (at + 4 > packet.size()) return false;
  const std::uint16_t qtype = u16(at), qclass = u16(at + 2);
  at += 4;
  if ((qclass != kClassIN && qclass != kClassANY) || qtype == rrtype::AXFR || qtype == rrtype::IXFR) return false;
  Edns edns;
  bool has_edns = false;
  if (arcount == 1) {
    // OPT: root owner, type 41, CLASS = UDP size, TTL = extended rcode (0), version (0),
    // flags (DO); RDATA to the end of the packet.
    if (at + 11 > packet.size() || p[at] != 0 || u16(at + 1) != rrtype::OPT) return false;
    if (p[at + 5] != 0 || p[at + 6] != 0) return false;
    if (at + 11 + u16(at + 9) != packet.size()) return false;
    has_edns = true;
    edns.udp_size = limits.server_udp_size;
    edns.dnssec_ok = p[at + 7] & 0x80;
  } else if (at != packet.size()) {
    return false;
  }
  std::size_t max_size = kMaxTcp;
  if (!limits.tcp) {
    max_size = kMaxUdpPlain;
    if (has_edns) {  // as max_size_for(): the client's OPT CLASS is its UDP size
      std::size_t asked = std::max<std::size_t>(u16(at + 3), kMaxUdpPlain);
      max_size = std::min<std::size_t>(asked, std::max<std::size_t>(limits.server_udp_size, kMaxUdpPlain));
    }
  }
  Header h;
  h.id = u16(0);
  h.rd = p[2] & 0x01;
  h.qr = true;
  const WireName qname = packet.subspan(12, *name_len);
  lookup(qname, qtype, qclass, h, scratch);
  const QuestionRef question{qname, qtype, qclass};
  encode_response(h, std::span<const QuestionRef>(&question, 1), scratch.refs, has_edns ? &edns : nullptr, max_size,
                  out);
  return true;
}

}  // namespace hamail::mailsvc::dns
