#include "hamail/mailsvc/dnsd/notify_sender.h"

#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/types.h"

namespace hamail::mailsvc::dnsd {
namespace {

using namespace hamail::mailsvc::dns;

TEST(NotifyMessage, IsAnAuthoritativeSoaNotifyForTheZone) {
  auto wire = notify_message(*Name::from_text("Example.org"), 4242);
  auto m = decode_message(wire);
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->header.id, 4242);
  EXPECT_EQ(m->header.opcode, static_cast<std::uint8_t>(Opcode::Notify));
  EXPECT_TRUE(m->header.aa);
  EXPECT_FALSE(m->header.qr);
  ASSERT_EQ(m->questions.size(), 1u);
  EXPECT_EQ(m->questions[0].name.to_text(), "Example.org.");
  EXPECT_EQ(m->questions[0].type, rrtype::SOA);
  EXPECT_EQ(m->questions[0].klass, kClassIN);
  EXPECT_TRUE(m->answer.empty() && m->authority.empty() && m->additional.empty());
  EXPECT_FALSE(m->edns);
}

}  // namespace
}  // namespace hamail::mailsvc::dnsd
