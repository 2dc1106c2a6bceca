// Authority::answer_plain (the daemon's UDP fast path) against answer_packet + encode:
// byte for byte the same reply for every plain query over the test zones, and no answer
// (false) for every packet that needs the general path.
#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/authority.h"
#include "hamail/mailsvc/dns/encode.h"
#include "test_packets.h"
#include "test_zone.h"

namespace hamail::mailsvc::dns {
namespace {

using test::Bytes;

class AnswerPlainTest : public ::testing::Test {
 protected:
  Authority authority = test::test_authority();
  QueryScratch scratch;
  Bytes out;

  // Both paths on `packet`; the plain one must answer it.
  void expect_same(const Bytes& packet, TransportLimits limits, const std::string& what) {
    Answer a = authority.answer_packet(packet, limits);
    ASSERT_EQ(a.kind, AnswerKind::Reply) << what;
    ASSERT_TRUE(authority.answer_plain(packet, limits, scratch, out)) << what;
    EXPECT_EQ(out, a.encode()) << what;
  }
};

const char* const kNames[] = {
    "example.org",          "EXAMPLE.org",          "www.example.org",      "WwW.ExAmPlE.oRg",
    "mail.example.org",     "ns1.example.org",      "nothere.example.org",  "chain1.example.org",
    "loop1.example.org",    "dangling.example.org", "outside.example.org",  "tozone2.example.org",
    "x.wild.example.org",   "Deep.X.Wild.example.org", "host.wild.example.org", "b.ent.example.org",
    "ent.example.org",      "q.wildcname.example.org", "x.old.example.org",  "y.x.OLD.example.org",
    "old.example.org",      "a.longd.example.org",  "sub.example.org",      "deep.sub.example.org",
    "ns.sub.example.org",   "mxglue.example.org",   "deleg2.example.org",   "_imap._tcp.example.org",
    "big.example.org",      "other.test",           "host.other.test",      "nowhere.invalid",
    ".",
};
const std::uint16_t kTypes[] = {rrtype::A,   rrtype::AAAA, rrtype::MX,    rrtype::NS,  rrtype::SOA, rrtype::TXT,
                                rrtype::SRV, rrtype::CNAME, rrtype::DNAME, rrtype::DS, rrtype::ANY, 99};

TEST_F(AnswerPlainTest, SameBytesAsTheGeneralPathForEveryPlainQuery) {
  int compared = 0;
  for (const char* name : kNames) {
    for (std::uint16_t type : kTypes) {
      for (int variant = 0; variant < 5; ++variant) {
        Message q = test::query(name, type, variant >= 1);
        if (variant == 2) q.edns->udp_size = 512;
        if (variant == 3) q.edns->dnssec_ok = true;
        if (variant == 4) q.questions[0].klass = kClassANY;
        Bytes packet = encode_message(q);
        std::string what = std::string(name) + " type " + std::to_string(type) + " variant " + std::to_string(variant);
        expect_same(packet, TransportLimits{false, 1232}, what + " udp 1232");
        expect_same(packet, TransportLimits{false, 512}, what + " udp 512");
        expect_same(packet, TransportLimits{true, 1232}, what + " tcp");
        compared += 3;
      }
    }
  }
  EXPECT_EQ(compared, 33 * 12 * 5 * 3);
}

TEST_F(AnswerPlainTest, OtherPacketsAreLeftToTheGeneralPath) {
  const Bytes plain = encode_message(test::query("www.example.org", rrtype::A, true));
  ASSERT_TRUE(authority.answer_plain(plain, {}, scratch, out));
  auto changed = [&](auto edit) {
    Bytes p = plain;
    edit(p);
    return p;
  };
  const std::size_t opt = 12 + 17 + 4;  // the OPT record after "www.example.org" A IN
  std::vector<std::pair<std::string, Bytes>> cases = {
      {"short", Bytes(plain.begin(), plain.begin() + 11)},
      {"response", changed([](Bytes& p) { p[2] |= 0x80; })},
      {"notify", changed([](Bytes& p) { p[2] |= 4 << 3; })},
      {"rcode bits", changed([](Bytes& p) { p[3] |= 1; })},
      {"qdcount 2", changed([](Bytes& p) { p[5] = 2; })},
      {"qdcount 0", changed([](Bytes& p) { p[5] = 0; })},
      {"an record", changed([](Bytes& p) { p[7] = 1; })},
      {"ns record", changed([](Bytes& p) { p[9] = 1; })},
      {"arcount 2", changed([](Bytes& p) { p[11] = 2; })},
      {"compressed name", changed([](Bytes& p) {
         p.erase(p.begin() + 12, p.begin() + 12 + 17);
         p.insert(p.begin() + 12, {0xC0, 12});
       })},
      {"axfr", changed([](Bytes& p) { p[12 + 17 + 1] = 252; })},
      {"ixfr", changed([](Bytes& p) { p[12 + 17 + 1] = 251; })},
      {"class CH", changed([](Bytes& p) { p[12 + 17 + 3] = 3; })},
      {"not OPT", changed([](Bytes& p) { p[opt + 2] = 1; })},
      {"OPT not at the root", changed([](Bytes& p) { p[opt] = 1; })},
      {"extended rcode", changed([](Bytes& p) { p[opt + 5] = 1; })},
      {"EDNS version 1", changed([](Bytes& p) { p[opt + 6] = 1; })},
      {"trailing byte", changed([](Bytes& p) { p.push_back(0); })},
      {"OPT cut short", changed([](Bytes& p) { p.pop_back(); })},
      {"no OPT, trailing", changed([](Bytes& p) { p[11] = 0; })},
  };
  for (const auto& [what, packet] : cases) {
    out = {1, 2, 3};
    EXPECT_FALSE(authority.answer_plain(packet, {}, scratch, out)) << what;
    EXPECT_EQ(out, (Bytes{1, 2, 3})) << what << ": nothing written";
  }
}

TEST_F(AnswerPlainTest, QuestionCaseIsKeptInTheReply) {
  Bytes packet = encode_message(test::query("WwW.ExAmPlE.oRg", rrtype::A));
  ASSERT_TRUE(authority.answer_plain(packet, {}, scratch, out));
  // The question, then the CNAME's owner as a pointer to it.
  EXPECT_EQ(Bytes(out.begin() + 12, out.begin() + 29), Bytes(packet.begin() + 12, packet.begin() + 29));
  EXPECT_EQ(out[33], 0xC0);
  EXPECT_EQ(out[34], 12);
}

}  // namespace
}  // namespace hamail::mailsvc::dns
