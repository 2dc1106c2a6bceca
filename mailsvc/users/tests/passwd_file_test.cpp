#include "hamail/mailsvc/users/passwd_file.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::users {
namespace {

TEST(PasswdFile, ParsesDovecotLinesAndKeepsComments) {
  const std::string text =
      "# users\n"
      "alice@example.org:{SHA512-CRYPT}$6$s$h:5000:5000::/srv/mail/example.org/alice::\n"
      "\n"
      "Bob@Example.org:{BLF-CRYPT}$2y$05$x\r\n";
  auto pf = PasswdFile::parse(text, "passwd");
  ASSERT_TRUE(pf) << pf.error();
  ASSERT_EQ(pf->entries().size(), 2u);
  const PasswdEntry* a = pf->find("alice@example.org");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->password, "{SHA512-CRYPT}$6$s$h");
  EXPECT_EQ(a->uid, "5000");
  EXPECT_EQ(a->home, "/srv/mail/example.org/alice");
  EXPECT_TRUE(pf->find("bob@example.org"));
  EXPECT_EQ(pf->serialize(),
            "# users\n"
            "alice@example.org:{SHA512-CRYPT}$6$s$h:5000:5000::/srv/mail/example.org/alice::\n"
            "\n"
            "bob@example.org:{BLF-CRYPT}$2y$05$x::::::\n");
}

TEST(PasswdFile, BadLinesNameFileAndLine) {
  auto err = [](const std::string& text) { return PasswdFile::parse(text, "/etc/mail/passwd").error(); };
  EXPECT_EQ(err("# ok\nalice@example.org\n"),
            "/etc/mail/passwd:2: expected 'user@domain:{SCHEME}hash:uid:gid::home::', got 'alice@example.org'");
  EXPECT_EQ(err("alice:{CRYPT}x\n"), "/etc/mail/passwd:1: bad user: address 'alice' has no '@domain'");
  EXPECT_EQ(err("a@x.org:{CRYPT}x:1:2:3:/h:6:7:8\n"),
            "/etc/mail/passwd:1: too many fields (9, at most 8: user:password:uid:gid:gecos:home:shell:extra)");
  EXPECT_EQ(err("a@x.org::1:2\n"), "/etc/mail/passwd:1: user 'a@x.org' has an empty password field");
  EXPECT_EQ(err("a@x.org:{CRYPT x\n"), "/etc/mail/passwd:1: user 'a@x.org': password field has '{' without '}'");
  EXPECT_EQ(err("a@x.org:{CRYPT}x:abc:1\n"), "/etc/mail/passwd:1: uid 'abc' is not a number");
  EXPECT_EQ(err("a@x.org:{CRYPT}x:1:-1\n"), "/etc/mail/passwd:1: gid '-1' is not a number");
  EXPECT_EQ(err("a@x.org:{CRYPT}x:1:1::home\n"), "/etc/mail/passwd:1: home 'home' is not an absolute path");
  EXPECT_EQ(err("a@x.org:{CRYPT}x\n\nA@X.org:{CRYPT}y\n"),
            "/etc/mail/passwd:3: duplicate user 'a@x.org' (first at line 1)");
}

TEST(PasswdFile, NeverCrashesOnGarbage) {
  std::string junk;
  for (int i = 0; i < 2000; ++i) junk += static_cast<char>((i * 131 + 7) % 256);
  auto pf = PasswdFile::parse(junk, "junk");
  EXPECT_FALSE(pf);
  EXPECT_EQ(pf.error().substr(0, 7), "junk:1:");
  EXPECT_TRUE(PasswdFile::parse("", "empty"));
}

TEST(PasswdFile, AddRemoveSetPassword) {
  PasswdFile pf;
  EXPECT_TRUE(pf.add({"a@x.org", "{CRYPT}h", "", "", "", "", "", ""}));
  EXPECT_EQ(pf.add({"a@x.org", "{CRYPT}h", "", "", "", "", "", ""}).message(), "user 'a@x.org' already exists");
  EXPECT_TRUE(pf.set_password("a@x.org", "{CRYPT}new"));
  EXPECT_EQ(pf.find("a@x.org")->password, "{CRYPT}new");
  EXPECT_TRUE(pf.remove("a@x.org"));
  EXPECT_EQ(pf.remove("a@x.org").message(), "no user 'a@x.org'");
  EXPECT_EQ(pf.set_password("a@x.org", "x").message(), "no user 'a@x.org'");
}

}  // namespace
}  // namespace hamail::mailsvc::users
