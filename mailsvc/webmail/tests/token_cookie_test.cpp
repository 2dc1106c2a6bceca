// Tokens as hex, the constant-time compare, the session cookie's attributes and reading
// one cookie from a Cookie field; CSRF: which methods need the token, and its check.
#include <gtest/gtest.h>

#include "hamail/mailsvc/webmail/cookie.h"
#include "hamail/mailsvc/webmail/csrf.h"
#include "hamail/mailsvc/webmail/token.h"

namespace hamail::mailsvc::webmail {
namespace {

TEST(Token, HexOf32BytesIs64LowercaseDigits) {
  SecretBytes b{};
  b[0] = 0xAB;
  b[31] = 0x0F;
  std::string t = hex_token(b);
  ASSERT_EQ(t.size(), 64u);
  EXPECT_EQ(t.substr(0, 4), "ab00");
  EXPECT_EQ(t.substr(60), "000f");
}

TEST(Token, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Cookie, SessionCookieIsSecureHttpOnlyStrict) {
  std::string c = session_cookie("0123", 1800);
  EXPECT_EQ(c, "hamail_session=0123; Path=/; Max-Age=1800; Secure; HttpOnly; SameSite=Strict");
  EXPECT_EQ(clear_session_cookie(), "hamail_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
}

TEST(Cookie, ValueAmongOthers) {
  EXPECT_EQ(cookie_value("a=1; hamail_session=xyz; b=2", "hamail_session"), "xyz");
  EXPECT_EQ(cookie_value("hamail_session=xyz", "hamail_session"), "xyz");
  EXPECT_EQ(cookie_value("hamail_session=\"xyz\"", "hamail_session"), "xyz");
  EXPECT_EQ(cookie_value("  hamail_session = xyz ;", "hamail_session"), "xyz");
  EXPECT_FALSE(cookie_value("a=1; b=2", "hamail_session"));
  EXPECT_FALSE(cookie_value("", "hamail_session"));
  EXPECT_FALSE(cookie_value("xhamail_session=1", "hamail_session"));
  EXPECT_FALSE(cookie_value("hamail_session", "hamail_session"));  // no '='
}

TEST(Cookie, TwiceIsNone) {
  EXPECT_FALSE(cookie_value("hamail_session=a; hamail_session=b", "hamail_session"));
}

TEST(Csrf, StateChangingMethods) {
  EXPECT_FALSE(state_changing("GET"));
  EXPECT_FALSE(state_changing("HEAD"));
  EXPECT_FALSE(state_changing("OPTIONS"));
  EXPECT_TRUE(state_changing("POST"));
  EXPECT_TRUE(state_changing("PUT"));
  EXPECT_TRUE(state_changing("PATCH"));
  EXPECT_TRUE(state_changing("DELETE"));
}

TEST(Csrf, TokenMustMatchExactlyOnce) {
  http::HttpRequest r;
  r.method = "POST";
  EXPECT_FALSE(csrf_token_matches(r, "tok"));
  r.headers = {{"x-csrf-token", "tok"}};
  EXPECT_TRUE(csrf_token_matches(r, "tok"));
  EXPECT_FALSE(csrf_token_matches(r, "other"));
  EXPECT_FALSE(csrf_token_matches(r, ""));
  r.headers.push_back({"X-CSRF-Token", "tok"});
  EXPECT_FALSE(csrf_token_matches(r, "tok"));
  r.headers = {{"X-CSRF-Token", ""}};
  EXPECT_FALSE(csrf_token_matches(r, ""));
}

}  // namespace
}  // namespace hamail::mailsvc::webmail
