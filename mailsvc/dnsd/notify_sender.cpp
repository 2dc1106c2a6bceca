#include "hamail/mailsvc/dnsd/notify_sender.h"

#include <netinet/in.h>

#include <random>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "hamail/mailsvc/dns/message.h"

namespace hamail::mailsvc::dnsd {

std::vector<std::uint8_t> notify_message(const dns::Name& zone, std::uint16_t id) {
  dns::Message m;
  m.header.id = id;
  m.header.opcode = static_cast<std::uint8_t>(dns::Opcode::Notify);
  m.header.aa = true;
  m.questions.push_back({zone, dns::rrtype::SOA, dns::kClassIN});
  return dns::encode_message(m);
}

UdpSocket* NotifySender::socket_for(int family) {
  auto& sock = family == AF_INET6 ? v6_ : v4_;
  if (!sock) {
    auto bound = UdpSocket::bind(loop_, family == AF_INET6 ? "::" : "0.0.0.0", 0,
                                 [this](std::span<const std::uint8_t> p, const sockaddr* from) { on_response(p, from); });
    if (!bound) {
      log_.warning("notify_socket_failed").kv("error", bound.error());
      return nullptr;
    }
    sock = std::move(*bound);
  }
  return sock.get();
}

void NotifySender::notify(const dns::Name& zone, const NotifyTarget& target) {
  if (pending_.size() >= kMaxPending) {
    ++failed_;
    log_.warning("notify_dropped").kv("zone", zone.to_text()).kv("target", target.address).kv("reason", "too many pending");
    return;
  }
  static std::mt19937 ids{std::random_device{}()};
  std::uint16_t id = 0;
  do id = static_cast<std::uint16_t>(ids()); while (pending_.count(id));
  Pending p{zone, target, {}, notify_message(zone, id), 0, loop_.now_ms()};
  if (!make_sockaddr(target.address, target.port, p.addr)) return;
  pending_.emplace(id, std::move(p));
  tick();
}

void NotifySender::on_response(std::span<const std::uint8_t> packet, const sockaddr* from) {
  auto h = dns::peek_header(packet);
  if (!h || !h->qr) return;
  auto it = pending_.find(h->id);
  if (it == pending_.end()) return;
  auto m = dns::decode_message(packet);
  // The answer must come from the target and name the zone (RFC 1996 4.7).
  sockaddr_storage want = it->second.addr;
  bool same_addr = from->sa_family == want.ss_family &&
                   (from->sa_family == AF_INET
                        ? reinterpret_cast<const sockaddr_in*>(from)->sin_port == reinterpret_cast<sockaddr_in*>(&want)->sin_port &&
                              reinterpret_cast<const sockaddr_in*>(from)->sin_addr.s_addr ==
                                  reinterpret_cast<sockaddr_in*>(&want)->sin_addr.s_addr
                        : reinterpret_cast<const sockaddr_in6*>(from)->sin6_port == reinterpret_cast<sockaddr_in6*>(&want)->sin6_port);
  if (!same_addr || !m || m->questions.size() != 1 || m->questions[0].name.key() != it->second.zone.key()) return;
  ++acknowledged_;
  log_.info("notify_acknowledged").kv("zone", it->second.zone.to_text()).kv("target", it->second.target.address)
      .kv("port", static_cast<unsigned>(it->second.target.port)).kv("rcode", static_cast<unsigned>(h->rcode));
  pending_.erase(it);
}

void NotifySender::tick() {
  std::uint64_t now = loop_.now_ms();
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pending& p = it->second;
    if (p.next_ms > now) {
      ++it;
      continue;
    }
    if (p.attempts >= kAttempts) {
      ++failed_;
      log_.warning("notify_failed").kv("zone", p.zone.to_text()).kv("target", p.target.address)
          .kv("port", static_cast<unsigned>(p.target.port)).kv("attempts", p.attempts);
      it = pending_.erase(it);
      continue;
    }
    ++p.attempts;
    p.next_ms = now + kRetryMs;
    if (UdpSocket* s = socket_for(p.addr.ss_family)) s->send(p.message, reinterpret_cast<const sockaddr*>(&p.addr));
    ++it;
  }
  arm();
}

void NotifySender::arm() {
  if (pending_.empty()) {
    timer_.stop();
    return;
  }
  if (!timer_.active()) timer_.start(kRetryMs, [this] { tick(); }, kRetryMs);
}

}  // namespace hamail::mailsvc::dnsd
