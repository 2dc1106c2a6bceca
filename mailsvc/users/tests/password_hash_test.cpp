#include "hamail/mailsvc/users/password_hash.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::users {
namespace {

TEST(PasswdHash, Sha512CryptIsAlwaysAvailable) {
  EXPECT_TRUE(scheme_available(Scheme::Sha512Crypt));
  auto h = hash_password(Scheme::Sha512Crypt, "s3cret");
  ASSERT_TRUE(h) << h.error();
  EXPECT_EQ(h->substr(0, 17), "{SHA512-CRYPT}$6$");
}

TEST(PasswdHash, VerifiesRightAndWrongForEachAvailableScheme) {
  auto schemes = available_schemes();
  ASSERT_FALSE(schemes.empty());
  for (Scheme s : schemes) {
    auto h = hash_password(s, "correct horse");
    ASSERT_TRUE(h) << h.error();
    EXPECT_EQ(scheme_of(*h), stored_name(s));
    EXPECT_TRUE(*verify_password(*h, "correct horse")) << *h;
    EXPECT_FALSE(*verify_password(*h, "correct horsE")) << *h;
    EXPECT_FALSE(*verify_password(*h, "")) << *h;
    auto h2 = hash_password(s, "correct horse");
    EXPECT_NE(*h, *h2) << "random salt";
  }
}

TEST(PasswdHash, BlowfishAndYescryptWhereLibcryptHasThem) {
  // Debian 12's libxcrypt has both; elsewhere the error must say so clearly.
  for (Scheme s : {Scheme::BlfCrypt, Scheme::Yescrypt}) {
    Status st = scheme_available(s);
    if (st) {
      auto h = hash_password(s, "pw");
      ASSERT_TRUE(h) << h.error();
      EXPECT_EQ(h->substr(0, s == Scheme::BlfCrypt ? 15 : 10), s == Scheme::BlfCrypt ? "{BLF-CRYPT}$2y$" : "{CRYPT}$y$");
    } else {
      EXPECT_NE(st.message().find("is not supported by this system's libcrypt"), std::string::npos);
    }
  }
}

TEST(PasswdHash, KnownDovecotHashes) {
  // Made elsewhere (Python's crypt.crypt("secret", "$6$saltsalt$")), as doveadm pw would store it.
  const std::string sha =
      "{SHA512-CRYPT}$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
  EXPECT_TRUE(*verify_password(sha, "secret"));
  EXPECT_FALSE(*verify_password(sha, "Secret"));
  // No braces: plain crypt(3), as Dovecot's default scheme CRYPT.
  EXPECT_TRUE(*verify_password(sha.substr(14), "secret"));
}

TEST(PasswdHash, ClearErrors) {
  EXPECT_EQ(verify_password("{PLAIN}secret", "secret").error(),
            "unsupported password scheme 'PLAIN' (supported: SHA512-CRYPT, BLF-CRYPT, CRYPT)");
  EXPECT_EQ(verify_password("{SHA512-CRYPT}$1$abc", "x").error(), "SHA512-CRYPT hash does not start with '$6$'");
  EXPECT_EQ(verify_password("{SHA512-CRYPT}", "x").error(), "no password set");
  EXPECT_EQ(verify_password("{SHA512-CRYPT", "x").error(), "password field has '{' without '}'");
  EXPECT_EQ(verify_password("{CRYPT}!locked", "x").error(),
            "CRYPT hash is malformed or its method is not supported by this system's libcrypt");
  EXPECT_EQ(hash_password(Scheme::Sha512Crypt, std::string(1025, 'x')).error(), "password is longer than 1024 bytes");
  EXPECT_EQ(verify_password("{CRYPT}$6$a$b", std::string("a\0b", 3)).error(), "password contains a NUL byte");
  EXPECT_EQ(*scheme_from_cli("blf-crypt"), Scheme::BlfCrypt);
  EXPECT_FALSE(scheme_from_cli("MD5"));
}

}  // namespace
}  // namespace hamail::mailsvc::users
