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

}  // namespace

std::vector<std::uint8_t> Answer::encode() const { return encode_message(response, max_size); }

void Authority::put_zone(Zone zone) {
  std::string key = zone.apex().key();
  zones_.insert_or_assign(std::move(key), std::move(zone));
}

bool Authority::remove_zone(const Name& apex) { return zones_.erase(apex.key()) > 0; }

const Zone* Authority::find_zone(const Name& name) const {
  for (std::size_t keep = name.label_count() + 1; keep-- > 0;) {
    auto it = zones_.find(name.suffix(keep).key());
    if (it != zones_.end()) return &it->second;
  }
  return nullptr;
}

Answer Authority::answer(const Message& query, const TransportLimits& limits) const {
  if (query.header.qr) return Answer{};
  Message r = response_to(query.header);
  std::size_t max_size = max_size_for(query, limits);
  if (query.questions.size() == 1) r.questions = query.questions;
  if (query.edns) r.edns = Edns{0, limits.server_udp_size, query.edns->dnssec_ok, {}};
  if (query.header.opcode != static_cast<std::uint8_t>(Opcode::Query)) {
    r.header.rcode = rcode::NotImp;
    return reply(std::move(r), max_size);
  }
  const bool ixfr = query.questions.size() == 1 && query.questions[0].type == rrtype::IXFR;
  if (query.questions.size() != 1 || query.header.tc || !query.answer.empty() || (!ixfr && !query.authority.empty())) {
    r.header.rd = false;
    r.header.rcode = rcode::FormErr;
    return reply(std::move(r), max_size);
  }
  if (query.edns && query.edns->version != 0) {
    r.header.rcode = rcode::BadVers;
    return reply(std::move(r), max_size);
  }
  const Question& q = query.questions[0];
  if (q.klass != kClassIN && q.klass != kClassANY) {
    r.header.rcode = rcode::Refused;
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
    r.header.rcode = rcode::Refused;
    return reply(std::move(r), max_size);
  }
  Lookup lookup([this](const Name& n) { return find_zone(n); }, r, q.type, q.klass == kClassANY);
  lookup.run(q.name);
  return reply(std::move(r), max_size);
}

Answer Authority::answer_packet(std::span<const std::uint8_t> packet, const TransportLimits& limits) const {
  auto header = peek_header(packet);
  if (!header || header->qr) return Answer{};
  auto query = decode_message(packet);
  if (!query) {
    Message r = response_to(*header);
    r.header.rcode = rcode::FormErr;
    return reply(std::move(r), limits.tcp ? kMaxTcp : kMaxUdpPlain);
  }
  return answer(*query, limits);
}

}  // namespace hamail::mailsvc::dns
