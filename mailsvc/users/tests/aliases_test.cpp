#include "hamail/mailsvc/users/aliases.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::users {
namespace {

AliasFile parse_ok(const std::string& text) {
  auto af = AliasFile::parse(text, "aliases");
  EXPECT_TRUE(af) << af.error();
  return af ? std::move(*af) : AliasFile();
}

using Addrs = std::vector<std::string>;

TEST(AliasFile, ParsesAndSerializes) {
  AliasFile af = parse_ok("# comment\npostmaster@x.org: Alice@x.org, bob@other.net\n\nabuse@x.org:postmaster@x.org\n");
  ASSERT_EQ(af.entries().size(), 2u);
  EXPECT_EQ(af.find("postmaster@x.org")->targets, (Addrs{"alice@x.org", "bob@other.net"}));
  EXPECT_EQ(af.serialize(), "postmaster@x.org: alice@x.org, bob@other.net\nabuse@x.org: postmaster@x.org\n");
}

TEST(AliasFile, BadLinesNameFileAndLine) {
  auto err = [](const std::string& text) { return AliasFile::parse(text, "/etc/mail/aliases").error(); };
  EXPECT_EQ(err("a@x.org b@x.org\n"),
            "/etc/mail/aliases:1: expected 'alias@domain: target@domain, ...', got 'a@x.org b@x.org'");
  EXPECT_EQ(err("\na: b@x.org\n"), "/etc/mail/aliases:2: bad alias: address 'a' has no '@domain'");
  EXPECT_EQ(err("a@x.org: b\n"), "/etc/mail/aliases:1: bad target of 'a@x.org': address 'b' has no '@domain'");
  EXPECT_EQ(err("a@x.org:\n"), "/etc/mail/aliases:1: alias 'a@x.org' has no targets");
  EXPECT_EQ(err("a@x.org: b@x.org,,c@x.org\n"), "/etc/mail/aliases:1: empty target in the list of 'a@x.org'");
  EXPECT_EQ(err("a@x.org: b@x.org\nA@x.org: c@x.org\n"),
            "/etc/mail/aliases:2: duplicate alias 'a@x.org' (first at line 1)");
}

TEST(AliasExpand, FollowsChainsAndDedupes) {
  AliasFile af = parse_ok(
      "all@x.org: staff@x.org, alice@x.org\n"
      "staff@x.org: alice@x.org, bob@x.org\n"
      "bob@x.org: bob@x.org, bob@gmail.com\n");
  EXPECT_EQ(*af.expand("All@X.org"), (Addrs{"alice@x.org", "bob@x.org", "bob@gmail.com"}));
  EXPECT_EQ(*af.expand("carol@x.org"), (Addrs{"carol@x.org"}));
  EXPECT_EQ(af.expand("nobody").error(), "address 'nobody' has no '@domain'");
}

TEST(AliasExpand, LoopIsAnErrorNamingIt) {
  AliasFile af = parse_ok("a@x.org: b@x.org\nb@x.org: c@x.org, d@x.org\nc@x.org: a@x.org\n");
  EXPECT_EQ(af.expand("a@x.org").error(), "alias loop: a@x.org -> b@x.org -> c@x.org -> a@x.org");
  EXPECT_EQ(af.expand("c@x.org").error(), "alias loop: c@x.org -> a@x.org -> b@x.org -> c@x.org");
}

TEST(AliasExpand, DepthIsBounded) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "a" + std::to_string(i) + "@x.org: a" + std::to_string(i + 1) + "@x.org\n";
  AliasFile af = parse_ok(text);
  EXPECT_EQ(*af.expand("a0@x.org", 10), (Addrs{"a10@x.org"}));
  EXPECT_EQ(af.expand("a0@x.org", 3).error(),
            "alias expansion of 'a0@x.org' is deeper than 3 levels: a0@x.org -> a1@x.org -> a2@x.org -> a3@x.org");
}

TEST(AliasExpand, ResultCountIsBounded) {
  std::string text = "big@x.org: ";
  for (std::size_t i = 0; i <= AliasFile::kMaxExpansion; ++i) text += (i ? ", u" : "u") + std::to_string(i) + "@x.org";
  AliasFile af = parse_ok(text + "\n");
  EXPECT_EQ(af.expand("big@x.org").error(), "alias expansion of 'big@x.org' gives more than 1000 addresses");
}

TEST(AliasFile, AddAndRemove) {
  AliasFile af;
  EXPECT_TRUE(af.add("a@x.org", {"b@x.org"}));
  EXPECT_TRUE(af.add("a@x.org", {"b@x.org", "c@x.org"}));
  EXPECT_EQ(af.find("a@x.org")->targets, (Addrs{"b@x.org", "c@x.org"}));
  EXPECT_TRUE(af.remove("a@x.org", "b@x.org"));
  EXPECT_EQ(af.remove("a@x.org", "b@x.org").message(), "alias 'a@x.org' has no target 'b@x.org'");
  EXPECT_TRUE(af.remove("a@x.org", "c@x.org"));
  EXPECT_FALSE(af.find("a@x.org")) << "the last target takes the alias with it";
  EXPECT_EQ(af.remove("a@x.org").message(), "no alias 'a@x.org'");
}

}  // namespace
}  // namespace hamail::mailsvc::users
