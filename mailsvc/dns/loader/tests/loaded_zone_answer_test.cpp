// From file to answer: the example zone loaded with ldns, then asked through the engine.
#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "hamail/mailsvc/dns/types.h"
#include "hamail/mailsvc/dnsloader/load_authority.h"

namespace hamail::mailsvc::dnsloader {
namespace {

using namespace dns;

Name N(const char* t) { return *Name::from_text(t); }

std::string data(const char* f) { return std::string(DNS_TEST_DATA) + "/" + f; }

Message ask(const Authority& a, const char* name, std::uint16_t type) {
  Message q;
  q.header.id = 7;
  q.questions.push_back({N(name), type, kClassIN});
  auto wire = a.answer_packet(encode_message(q), TransportLimits{}).encode();
  auto back = decode_message(wire);
  EXPECT_TRUE(back);
  return back ? *back : Message{};
}

TEST(LoadedZoneAnswer, BadZoneIsLeftOutOthersServed) {
  auto loaded = load_authority({{N("example.org"), data("example.org.zone")},
                                {N("example.org"), data("no_soa.zone")},
                                {N("broken.test"), data("bad_syntax.zone")}});
  // the second example.org failed, so the first stays; broken.test failed
  ASSERT_EQ(loaded.errors.size(), 2u);
  EXPECT_NE(loaded.errors[0].find("no_soa.zone"), std::string::npos);
  EXPECT_NE(loaded.errors[1].find("zone broken.test."), std::string::npos);
  EXPECT_EQ(loaded.authority.zone_count(), 1u);
  Message mx = ask(loaded.authority, "example.org", rrtype::MX);
  EXPECT_TRUE(mx.header.aa);
  ASSERT_EQ(mx.answer.size(), 1u);
  ASSERT_FALSE(mx.additional.empty());
  EXPECT_EQ(mx.additional[0].owner, N("mail.example.org"));
  EXPECT_EQ(ask(loaded.authority, "host.broken.test", rrtype::A).header.rcode, rcode::Refused);
}

TEST(LoadedZoneAnswer, IncludedAndWildcardAndCnameData) {
  auto loaded = load_authority({{N("example.org"), data("example.org.zone")}});
  ASSERT_TRUE(loaded.errors.empty());
  const Authority& a = loaded.authority;
  EXPECT_EQ(ask(a, "host.sub.example.org", rrtype::A).answer.size(), 1u);
  Message wild = ask(a, "any.wild.example.org", rrtype::A);
  ASSERT_EQ(wild.answer.size(), 1u);
  EXPECT_EQ(wild.answer[0].rdata, (std::vector<std::uint8_t>{192, 0, 2, 99}));
  Message www = ask(a, "www.example.org", rrtype::AAAA);
  ASSERT_EQ(www.answer.size(), 2u);
  EXPECT_EQ(www.answer[0].type, rrtype::CNAME);
  EXPECT_EQ(www.answer[1].type, rrtype::AAAA);
  Message nx = ask(a, "nope.example.org", rrtype::A);
  EXPECT_EQ(nx.header.rcode, rcode::NXDomain);
  ASSERT_EQ(nx.authority.size(), 1u);
  EXPECT_EQ(nx.authority[0].ttl, 300u);  // SOA MINIMUM 300 < TTL 3600
}

}  // namespace
}  // namespace hamail::mailsvc::dnsloader
