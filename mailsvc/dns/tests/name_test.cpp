#include <gtest/gtest.h>

#include "hamail/mailsvc/dns/name.h"
#include "hamail/mailsvc/dns/name_key.h"

namespace hamail::mailsvc::dns {
namespace {

TEST(Name, TextRoundTripKeepsCaseAndEscapes) {
  auto n = Name::from_text("Mail.Ex\\.ample.ORG.");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->label_count(), 3u);
  EXPECT_EQ(n->labels()[1], "Ex.ample");
  EXPECT_EQ(n->labels()[2], "ORG");
  EXPECT_EQ(n->to_text(), "Mail.Ex\\.ample.ORG.");
}

TEST(NameKey, SuffixesAreTheKeysOfTheSuffixNames) {
  auto n = *Name::from_text("Mail.Sub.Example.ORG");
  NameKey key(n);
  ASSERT_EQ(key.label_count(), 4u);
  for (std::size_t keep = 0; keep <= 4; ++keep) EXPECT_EQ(key.suffix(keep), n.suffix(keep).key()) << keep;
  EXPECT_EQ(key.full(), n.key());
  EXPECT_EQ(key.suffix(0), "");
  EXPECT_EQ(key.wildcard(2), Name::from_text("*.example.org")->key());
  EXPECT_EQ(key.suffix(3), n.suffix(3).key()) << "wildcard() leaves the key alone";
  EXPECT_EQ(NameKey(Name()).full(), "");
}

TEST(Name, DecimalEscapes) {
  auto n = Name::from_text("a\\032b\\255.org");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->labels()[0], std::string("a b\xff"));
  EXPECT_EQ(n->to_text(), "a\\032b\\255.org.");
  EXPECT_FALSE(Name::from_text("a\\256.org"));
  EXPECT_FALSE(Name::from_text("a\\03"));
  EXPECT_FALSE(Name::from_text("a\\"));
}

TEST(Name, ComparesWithoutCase) {
  EXPECT_EQ(*Name::from_text("WWW.example.ORG"), *Name::from_text("www.EXAMPLE.org."));
  EXPECT_FALSE(*Name::from_text("www.example.org") == *Name::from_text("ww.example.org"));
  EXPECT_TRUE(Name::from_text("a.b.Example.org")->is_subdomain_of(*Name::from_text("example.ORG")));
  EXPECT_FALSE(Name::from_text("example.org")->is_subdomain_of(*Name::from_text("a.example.org")));
  EXPECT_FALSE(Name::from_text("xexample.org")->is_subdomain_of(*Name::from_text("example.org")));
}

TEST(Name, Limits) {
  EXPECT_TRUE(Name::from_text(std::string(63, 'a') + ".org"));
  EXPECT_FALSE(Name::from_text(std::string(64, 'a') + ".org"));
  EXPECT_FALSE(Name::from_text("a..org"));
  std::string long_name;
  for (int i = 0; i < 4; ++i) long_name += std::string(63, 'x') + ".";  // 4*64+1 = 257
  EXPECT_FALSE(Name::from_text(long_name));
  std::string ok_name;
  for (int i = 0; i < 3; ++i) ok_name += std::string(63, 'x') + ".";
  ok_name += std::string(61, 'y');  // 3*64 + 62 + 1 = 255
  auto n = Name::from_text(ok_name);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->wire_length(), 255u);
}

TEST(Name, CanonicalOrderIsRfc4034) {
  // RFC 4034 6.1 example order.
  const char* ordered[] = {"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
                           "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example."};
  for (std::size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_LT(canonical_compare(*Name::from_text(ordered[i]), *Name::from_text(ordered[i + 1])), 0)
        << ordered[i] << " < " << ordered[i + 1];
  }
  EXPECT_EQ(canonical_compare(*Name::from_text("A.example"), *Name::from_text("a.EXAMPLE")), 0);
}

TEST(Name, PrependAndSuffix) {
  auto n = *Name::from_text("a.b.example.org");
  EXPECT_EQ(n.suffix(2), *Name::from_text("example.org"));
  auto p = n.suffix(2).prepend({"x", "y"});
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, *Name::from_text("x.y.example.org"));
  EXPECT_FALSE(n.prepend({std::string(63, 'a'), std::string(63, 'a'), std::string(63, 'a'), std::string(63, 'a')}));
}

}  // namespace
}  // namespace hamail::mailsvc::dns
