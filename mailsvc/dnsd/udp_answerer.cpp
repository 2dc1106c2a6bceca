// UdpAnswerer: one loop's UDP path (fast path, IXFR over UDP, RRL, counters).
#include "hamail/mailsvc/dnsd/udp_answerer.h"

#include <algorithm>

namespace hamail::mailsvc::dnsd {
namespace {

// What RRL counts a UDP answer as, and under which name.
RrlKind rrl_kind(const dns::Answer& a, std::string& name_key, std::uint16_t& qtype) {
  const auto& r = a.response;
  if (r.questions.empty()) return RrlKind::error;
  qtype = r.questions[0].type;
  name_key = r.questions[0].name.key();
  if (r.header.rcode == dns::rcode::NXDomain) {
    // NXDOMAINs for one zone share a bucket (random-subdomain reflection).
    if (!r.authority.empty()) name_key = r.authority[0].owner.key();
    return RrlKind::nxdomain;
  }
  if (r.header.rcode != dns::rcode::NoError) return RrlKind::error;
  return RrlKind::answer;
}

const ZoneConfig* zone_config(const DnsdConfig& config, const dns::Name& apex) {
  for (const auto& z : config.zones) {
    auto n = dns::Name::from_text(z.name);
    if (n && n->key() == apex.key()) return &z;
  }
  return nullptr;
}

}  // namespace

bool transfer_allowed(const DnsdConfig& config, const dns::Answer& a, const sockaddr* peer) {
  const ZoneConfig* zc = a.transfer_zone ? zone_config(config, a.transfer_zone->apex()) : nullptr;
  return zc != nullptr && std::any_of(zc->allow_transfer.begin(), zc->allow_transfer.end(),
                                      [&](const AddressRange& r) { return r.contains(peer); });
}

UdpAnswerer::UdpAnswerer(const DnsdConfig& config) : config_(config) {
  if (config_.rrl.enabled) rrl_.emplace(config_.rrl);
}

void UdpAnswerer::answer(const dns::Authority& authority, UdpSocket& socket, std::span<const std::uint8_t> packet,
                         const sockaddr* from, std::uint64_t now_s) {
  counters_.queries.fetch_add(1, std::memory_order_relaxed);
  dns::TransportLimits limits{false, config_.udp_size};
  // The common query straight into the reused reply buffer; RRL needs the Answer.
  if (!rrl_ && authority.answer_plain(packet, limits, scratch_, reply_)) {
    counters_.responses.fetch_add(1, std::memory_order_relaxed);
    socket.send(reply_, from);
    return;
  }
  dns::Answer a = authority.answer_packet(packet, limits);
  if (a.kind == dns::AnswerKind::Transfer) {
    // IXFR over UDP (the core answers AXFR over UDP NOTIMP): to an allowed address the
    // current SOA (RFC 1995 4: "does not fit", so the client goes to TCP); others REFUSED.
    a.kind = dns::AnswerKind::Reply;
    if (transfer_allowed(config_, a, from)) {
      const dns::RRset& soa = a.transfer_zone->soa();
      a.response.header.aa = true;
      a.response.answer.push_back(dns::Record{a.transfer_zone->find(a.transfer_zone->apex())->owner, dns::rrtype::SOA,
                                              dns::kClassIN, soa.rrs[0].ttl, soa.rrs[0].rdata});
    } else {
      a.response.header.rcode = dns::rcode::Refused;
      a.response.header.aa = false;
    }
  }
  if (a.kind == dns::AnswerKind::Drop) {
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (rrl_) {
    std::string name_key;
    std::uint16_t qtype = 0;
    RrlKind kind = rrl_kind(a, name_key, qtype);
    switch (rrl_->account(from, kind, name_key, qtype, now_s)) {
      case RrlDecision::send:
        break;
      case RrlDecision::drop:
        counters_.rrl_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      case RrlDecision::slip:
        counters_.rrl_slipped.fetch_add(1, std::memory_order_relaxed);
        a.response.answer.clear();
        a.response.authority.clear();
        a.response.additional.clear();
        a.response.header.tc = true;
        break;
    }
  }
  auto bytes = a.encode();
  counters_.responses.fetch_add(1, std::memory_order_relaxed);
  socket.send(bytes, from);
}

}  // namespace hamail::mailsvc::dnsd
