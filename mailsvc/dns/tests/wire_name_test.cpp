// Wire-form names: bounds, comparison, the key and suffix offsets built from wire form,
// and the encoder's compression table (offsets, the question's case kept).
#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/decode.h"
#include "hamail/mailsvc/dns/encode.h"
#include "hamail/mailsvc/dns/name_key.h"
#include "hamail/mailsvc/dns/wire_name.h"
#include "test_packets.h"

namespace hamail::mailsvc::dns {
namespace {

using test::Bytes;
using test::N;

TEST(WireName, LengthOfWellFormedNamesOnly) {
  Bytes www = wire_of(N("www.Example.org"));
  EXPECT_EQ(wire_name_length(www), www.size());
  www.push_back(7);  // what follows the name is not part of it
  EXPECT_EQ(wire_name_length(www), www.size() - 1);
  EXPECT_EQ(wire_name_length(Bytes{0}), 1u);
  EXPECT_FALSE(wire_name_length(Bytes{}));
  EXPECT_FALSE(wire_name_length(Bytes{3, 'a', 'b'})) << "cut short";
  EXPECT_FALSE(wire_name_length(Bytes{0xC0, 12})) << "a pointer";
  EXPECT_FALSE(wire_name_length(Bytes{0x40, 0})) << "extended label type";
  Bytes longest;
  for (int i = 0; i < 4; ++i) {
    std::size_t len = i < 3 ? 63 : 61;  // 3*64 + 62 + 1 = 255
    longest.push_back(static_cast<std::uint8_t>(len));
    longest.insert(longest.end(), len, 'x');
  }
  longest.push_back(0);
  ASSERT_EQ(longest.size(), 255u);
  EXPECT_EQ(wire_name_length(longest), 255u);
  longest.insert(longest.begin() + 193, 'x');  // the last label 62 octets: 256
  longest[192] = 62;
  EXPECT_FALSE(wire_name_length(longest)) << "over 255 octets";
}

TEST(WireName, ComparedWithoutCaseAndConvertedBack) {
  EXPECT_TRUE(wire_equal(wire_of(N("WWW.example.ORG")), wire_of(N("www.EXAMPLE.org"))));
  EXPECT_FALSE(wire_equal(wire_of(N("www.example.org")), wire_of(N("ww.example.org"))));
  EXPECT_EQ(name_from_wire(wire_of(N("Mail.Ex\\.ample.ORG"))).to_text(), "Mail.Ex\\.ample.ORG.");
  EXPECT_TRUE(name_from_wire(Bytes{0}).is_root());
}

TEST(NameKey, FromWireSameKeysAsFromNameAndSuffixOffsets) {
  Name n = N("Mail.Sub.Example.ORG");
  Bytes wire = wire_of(n);
  NameKey key(WireName{wire});
  NameKey by_name(n);
  ASSERT_EQ(key.label_count(), 4u);
  for (std::size_t keep = 0; keep <= 4; ++keep) {
    EXPECT_EQ(key.suffix(keep), by_name.suffix(keep)) << keep;
    // The suffix of `keep` labels starts where its wire form does, case kept.
    Bytes suffix(wire.begin() + static_cast<std::ptrdiff_t>(key.wire_offset(keep)), wire.end());
    EXPECT_EQ(suffix, wire_of(n.suffix(keep))) << keep;
  }
  EXPECT_EQ(key.full(), std::string("org\0example\0sub\0mail\0", 21));
  EXPECT_EQ(key.wire_offset(0), wire.size() - 1) << "the root label";
  NameKey root(WireName{Bytes{0}});
  EXPECT_EQ(root.label_count(), 0u);
  EXPECT_EQ(root.full(), "");
}

// Two records whose owners share the question's suffix: each is a pointer to where the
// question wrote it, so the reply carries the question's case.
TEST(Compression, PointersToTheQuestionKeepItsCase) {
  Bytes qname = wire_of(N("WwW.ExAmple.ORG"));
  Bytes owner = wire_of(N("www.example.org"));
  Bytes mail = wire_of(N("mail.example.org"));
  Bytes a = {192, 0, 2, 1};
  Bytes cname_rdata = mail;
  ResponseRefs refs;
  refs.answer.push_back(RecordRef{owner, rrtype::CNAME, kClassIN, 60, cname_rdata});
  refs.answer.push_back(RecordRef{mail, rrtype::A, kClassIN, 60, a});
  Header h;
  h.qr = true;
  QuestionRef q{qname, rrtype::A, kClassIN};
  Bytes out;
  encode_response(h, std::span<const QuestionRef>(&q, 1), refs, nullptr, 512, out);
  // Header 12, question name at 12 (17 octets) + 4; the CNAME's owner is a pointer to 12.
  const std::size_t owner_at = 12 + qname.size() + 4;
  EXPECT_EQ(out[owner_at], 0xC0);
  EXPECT_EQ(out[owner_at + 1], 12);
  // Its RDATA "mail" + a pointer to "ExAmple.ORG" at 16 (after "\3WwW").
  const std::size_t rdata_at = owner_at + 2 + 10;
  EXPECT_EQ(out[rdata_at], 4);
  EXPECT_EQ(out[rdata_at + 5], 0xC0);
  EXPECT_EQ(out[rdata_at + 6], 16);
  // The A record's owner points at the "mail" label just written.
  EXPECT_EQ(out[rdata_at + 7], 0xC0);
  EXPECT_EQ(out[rdata_at + 8], rdata_at);
  auto back = decode_message(out);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->answer.size(), 2u);
  EXPECT_EQ(back->answer[0].owner.to_text(), "WwW.ExAmple.ORG.");
  EXPECT_EQ(back->answer[1].owner.to_text(), "mail.ExAmple.ORG.");
  EXPECT_EQ(out.size(), rdata_at + 7 + 2 + 10 + 4);
}

// A reused output buffer and a rolled-back RRset: the table forgets the offsets past the
// mark, so a later name is not pointed at bytes that were undone.
TEST(Compression, RollbackForgetsOffsetsPastTheMark) {
  Bytes qname = wire_of(N("example.org"));
  Bytes big_owner = wire_of(N("big.example.org"));
  Bytes big(400, 'x');
  Bytes next_owner = wire_of(N("BIG.example.org"));
  Bytes a = {192, 0, 2, 1};
  ResponseRefs refs;
  refs.additional.push_back(RecordRef{big_owner, rrtype::TXT, kClassIN, 60, big});
  refs.additional.push_back(RecordRef{next_owner, rrtype::A, kClassIN, 60, a});
  Header h;
  QuestionRef q{qname, rrtype::A, kClassIN};
  Bytes out(1000, 0xEE);  // reused: cleared by the encoder
  encode_response(h, std::span<const QuestionRef>(&q, 1), refs, nullptr, 300, out);
  auto back = decode_message(out);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->additional.size(), 1u);
  EXPECT_EQ(back->additional[0].type, rrtype::A);
  EXPECT_EQ(back->additional[0].owner.to_text(), "BIG.example.org.") << "written again, not a pointer to undone bytes";
}

// A name is never compressed against its own labels: they are not terminated while it is
// written, and what lies past the end of a reused buffer (here "\3org\0" of the previous
// reply) must not be read as its continuation (found by the answer fuzzer).
TEST(Compression, ANameIsNotPointedIntoItselfInAReusedBuffer) {
  Header h;
  ResponseRefs none;
  Bytes out;
  Bytes first = wire_of(N("x.org"));
  QuestionRef q1{first, rrtype::A, kClassIN};
  encode_response(h, std::span<const QuestionRef>(&q1, 1), none, nullptr, 512, out);
  Bytes second = wire_of(N("a.a.org"));
  QuestionRef q2{second, rrtype::A, kClassIN};
  encode_response(h, std::span<const QuestionRef>(&q2, 1), none, nullptr, 512, out);
  Bytes fresh;
  encode_response(h, std::span<const QuestionRef>(&q2, 1), none, nullptr, 512, fresh);
  EXPECT_EQ(out, fresh);
  EXPECT_EQ(Bytes(out.begin() + 12, out.end() - 4), second) << "written whole, no pointer";
  auto back = decode_message(out);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->questions[0].name.to_text(), "a.a.org.");
}

}  // namespace
}  // namespace hamail::mailsvc::dns
