#include "hamail/mailsvc/dnsd/axfr_stream.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/types.h"

namespace hamail::mailsvc::dnsd {
namespace {

using namespace hamail::mailsvc::dns;

Zone big_zone(int hosts) {
  Zone z(*Name::from_text("example.org"));
  Record soa{*Name::from_text("example.org"), rrtype::SOA, kClassIN, 3600, {}};
  append_name(soa.rdata, *Name::from_text("ns.example.org"));
  append_name(soa.rdata, *Name::from_text("admin.example.org"));
  for (int i = 0; i < 20; ++i) soa.rdata.push_back(static_cast<std::uint8_t>(i == 3 ? 7 : 0));
  EXPECT_TRUE(z.add(soa));
  for (int i = 0; i < hosts; ++i)
    EXPECT_TRUE(z.add(Record{*Name::from_text("h" + std::to_string(i) + ".example.org"), rrtype::A, kClassIN, 60,
                             {10, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}}));
  EXPECT_TRUE(z.finish());
  return z;
}

TEST(AxfrStream, SplitsALargeZoneAndKeepsEveryRecordInOrder) {
  Zone z = big_zone(2000);
  Message q;
  q.header.id = 42;
  q.questions.push_back({*Name::from_text("example.org"), rrtype::AXFR, kClassIN});
  auto msgs = axfr_messages(q, z, 4096);
  ASSERT_GT(msgs.size(), 5u);
  std::size_t records = 0;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_LE(msgs[i].size(), 4096u);
    auto m = decode_message(msgs[i]);
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(m->header.id, 42);
    EXPECT_TRUE(m->header.qr);
    EXPECT_TRUE(m->header.aa);
    EXPECT_EQ(m->questions.size(), i == 0 ? 1u : 0u);
    if (i == 0) EXPECT_EQ(m->answer.front().type, rrtype::SOA);
    if (i + 1 == msgs.size()) EXPECT_EQ(m->answer.back().type, rrtype::SOA);
    records += m->answer.size();
  }
  EXPECT_EQ(records, 2000u + 2u);
}

}  // namespace
}  // namespace hamail::mailsvc::dnsd
