// Fuzz target: the whole query path, bytes -> Authority::answer_packet -> encode, over a
// small zone with a delegation, wildcard, CNAME loop and DNAME. The first byte picks the
// transport (UDP 512/1232, TCP). Checked: nothing crashes or trips a sanitizer; a reply
// fits its size limit and decodes again with the same id; a dropped packet has no header
// or QR set; Authority::answer_plain (the UDP fast path) either declines or gives the
// same bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"

namespace {

using namespace hamail::mailsvc::dns;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "dns_answer_fuzz: %s\n", what);
  std::abort();
}

Name name(const char* text) {
  auto n = Name::from_text(text);
  if (!n) fail("bad zone name");
  return *n;
}

std::vector<std::uint8_t> name_rdata(const char* text, std::vector<std::uint8_t> prefix = {}) {
  append_name(prefix, name(text));
  return prefix;
}

void add(Zone& z, const char* owner, std::uint16_t type, std::vector<std::uint8_t> rdata) {
  if (!z.add(Record{name(owner), type, kClassIN, 300, std::move(rdata)})) fail("bad zone record");
}

Authority make_authority() {
  Zone z(name("example.org"));
  auto soa = name_rdata("ns.example.org", {});
  append_name(soa, name("h.example.org"));
  soa.resize(soa.size() + 20, 1);
  add(z, "example.org", rrtype::SOA, soa);
  add(z, "example.org", rrtype::NS, name_rdata("ns.example.org"));
  add(z, "example.org", rrtype::MX, name_rdata("mail.example.org", {0, 10}));
  add(z, "ns.example.org", rrtype::A, {192, 0, 2, 1});
  add(z, "mail.example.org", rrtype::A, {192, 0, 2, 2});
  add(z, "*.w.example.org", rrtype::CNAME, name_rdata("mail.example.org"));
  add(z, "l1.example.org", rrtype::CNAME, name_rdata("l2.example.org"));
  add(z, "l2.example.org", rrtype::CNAME, name_rdata("l1.example.org"));
  add(z, "d.example.org", rrtype::DNAME, name_rdata("example.org"));
  add(z, "sub.example.org", rrtype::NS, name_rdata("ns.sub.example.org"));
  add(z, "ns.sub.example.org", rrtype::A, {192, 0, 2, 3});
  add(z, "t.example.org", rrtype::TXT, std::vector<std::uint8_t>(600, 7));
  if (!z.finish()) fail("zone did not finish");
  Authority a;
  a.put_zone(std::move(z));
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Authority authority = make_authority();
  if (size == 0) return 0;
  TransportLimits limits;
  limits.tcp = data[0] % 3 == 2;
  limits.server_udp_size = data[0] % 3 == 0 ? 512 : 1232;
  std::span<const std::uint8_t> packet(data + 1, size - 1);
  Answer a = authority.answer_packet(packet, limits);
  auto header = peek_header(packet);
  if (a.kind == AnswerKind::Drop) {
    if (header && !header->qr) fail("dropped a query with a header");
    static QueryScratch scratch;
    static std::vector<std::uint8_t> plain;
    if (authority.answer_plain(packet, limits, scratch, plain)) fail("answer_plain answered a dropped packet");
    return 0;
  }
  if (!header) fail("answered a packet without a header");
  if (a.kind == AnswerKind::Transfer && !a.transfer_zone) fail("transfer without a zone");
  auto wire = a.encode();
  if (wire.size() > a.max_size) fail("reply over its size limit");
  auto back = decode_message(wire);
  if (!back) fail("reply does not decode");
  if (back->header.id != header->id || !back->header.qr) fail("reply header wrong");
  static QueryScratch scratch;
  static std::vector<std::uint8_t> plain;
  if (authority.answer_plain(packet, limits, scratch, plain)) {
    if (a.kind != AnswerKind::Reply) fail("answer_plain answered a non-reply");
    if (plain != wire) fail("answer_plain differs from answer_packet");
  }
  return 0;
}
