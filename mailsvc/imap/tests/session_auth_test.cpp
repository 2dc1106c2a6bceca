// ImapSession before login: STARTTLS (and the command injection it must not allow),
// LOGIN, AUTHENTICATE PLAIN, LOGINDISABLED, the failed-login count, COMPRESS.
#include <gtest/gtest.h>

#include <string>

#include "session_test_util.h"

namespace hamail::mailsvc::imap {
namespace {

using test::action_of;
using test::Client;

// base64 of "\0alice\0secret" and "alice\0alice\0secret", "bob\0alice\0secret".
constexpr const char* kPlain = "AGFsaWNlAHNlY3JldA==";
constexpr const char* kPlainSameAuthzid = "YWxpY2UAYWxpY2UAc2VjcmV0";
constexpr const char* kPlainOtherAuthzid = "Ym9iAGFsaWNlAHNlY3JldA==";

TEST(ImapSessionAuthTest, StarttlsThenLogin) {
  Client c(test::starttls_config());
  Output out = c.feed("a STARTTLS\r\n");
  EXPECT_EQ(out.bytes, "a OK Begin TLS negotiation now\r\n");
  ASSERT_NE(action_of<TlsHandshake>(out), nullptr);
  EXPECT_TRUE(c.session.waiting());
  EXPECT_EQ(c.session.tls_started().bytes, "");
  EXPECT_TRUE(c.session.tls_active());
  out = c.feed("b CAPABILITY\r\n");
  EXPECT_NE(out.bytes.find(" AUTH=PLAIN "), std::string::npos) << out.bytes;
  EXPECT_EQ(out.bytes.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(out.bytes.find("LOGINDISABLED"), std::string::npos);
  out = c.feed("c LOGIN alice secret\r\n");
  ASSERT_NE(action_of<CheckCredentials>(out), nullptr);
  out = c.session.auth_result(AuthResult::ok);
  EXPECT_EQ(out.bytes.rfind("c OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ ", 0), 0u) << out.bytes;
  EXPECT_NE(out.bytes.find(" COMPRESS=DEFLATE] Logged in\r\n"), std::string::npos) << out.bytes;
  EXPECT_EQ(c.session.user(), "alice");
}

TEST(ImapSessionAuthTest, InputPipelinedAfterStarttlsIsDropped) {
  Client c(test::starttls_config());
  // CVE-2011-0411 style: the injected LOGIN must never run, neither the part in the same
  // packet nor what arrives before the handshake completes.
  Output out = c.feed("a STARTTLS\r\nb LOGIN alice secret\r\n");
  EXPECT_EQ(out.bytes, "a OK Begin TLS negotiation now\r\n");
  ASSERT_NE(action_of<TlsHandshake>(out), nullptr);
  out = c.feed("c LOGIN alice secret\r\nd LOG");
  EXPECT_EQ(out.bytes, "");
  EXPECT_FALSE(out.action.has_value());
  EXPECT_EQ(c.session.buffered_bytes(), 0u);
  out = c.session.tls_started();
  EXPECT_EQ(out.bytes, "");
  EXPECT_FALSE(out.action.has_value());
  EXPECT_EQ(c.feed("e NOOP\r\n").bytes, "e OK NOOP completed\r\n");
}

TEST(ImapSessionAuthTest, StarttlsRefusals) {
  Client unconfigured;
  EXPECT_EQ(unconfigured.feed("a STARTTLS\r\n").bytes, "a BAD STARTTLS is not available\r\n");
  ImapConfig implicit = test::starttls_config();
  implicit.implicit_tls = true;
  Client tls(implicit);
  EXPECT_EQ(tls.feed("a STARTTLS\r\n").bytes, "a BAD TLS is already active\r\n");
  ImapConfig plain = test::starttls_config();
  plain.allow_plaintext_auth = true;
  Client after_login(plain);
  after_login.login();
  EXPECT_EQ(after_login.feed("a STARTTLS\r\n").bytes, "a BAD STARTTLS is only valid before login\r\n");
}

TEST(ImapSessionAuthTest, LoginDisabledBeforeTls) {
  Client c(test::starttls_config());
  Output out = c.feed("a LOGIN alice secret\r\n");
  EXPECT_EQ(out.bytes.rfind("a NO [PRIVACYREQUIRED] ", 0), 0u) << out.bytes;
  EXPECT_FALSE(out.action.has_value());
  out = c.feed(std::string("b AUTHENTICATE PLAIN ") + kPlain + "\r\n");
  EXPECT_EQ(out.bytes.rfind("b NO [PRIVACYREQUIRED] ", 0), 0u) << out.bytes;
  out = c.feed("c AUTHENTICATE PLAIN\r\n");
  EXPECT_EQ(out.bytes.rfind("c NO [PRIVACYREQUIRED] ", 0), 0u) << out.bytes;
}

TEST(ImapSessionAuthTest, AuthenticatePlainWithInitialResponse) {
  Client c;
  Output out = c.feed(std::string("a AUTHENTICATE PLAIN ") + kPlain + "\r\n");
  const CheckCredentials* check = action_of<CheckCredentials>(out);
  ASSERT_NE(check, nullptr) << out.bytes;
  EXPECT_EQ(check->mechanism, "PLAIN");
  EXPECT_EQ(check->user, "alice");
  EXPECT_EQ(check->password, "secret");
  EXPECT_EQ(check->authzid, "");
  out = c.session.auth_result(AuthResult::ok);
  EXPECT_EQ(out.bytes.rfind("a OK [CAPABILITY ", 0), 0u);
  EXPECT_EQ(c.session.state(), ImapState::authenticated);
}

TEST(ImapSessionAuthTest, AuthenticatePlainWithContinuation) {
  Client c;
  Output out = c.feed("a AUTHENTICATE PLAIN\r\n");
  EXPECT_EQ(out.bytes, "+ \r\n");
  EXPECT_FALSE(out.action.has_value());
  out = c.feed(std::string(kPlainSameAuthzid) + "\r\n");
  const CheckCredentials* check = action_of<CheckCredentials>(out);
  ASSERT_NE(check, nullptr) << out.bytes;
  EXPECT_EQ(check->user, "alice");
  EXPECT_EQ(check->authzid, "alice");
  c.session.auth_result(AuthResult::ok);
  EXPECT_EQ(c.feed("b NOOP\r\n").bytes, "b OK NOOP completed\r\n");  // back to commands
}

TEST(ImapSessionAuthTest, AuthenticateCancelledAndMalformed) {
  Client c;
  c.feed("a AUTHENTICATE PLAIN\r\n");
  EXPECT_EQ(c.feed("*\r\n").bytes, "a BAD Authentication cancelled\r\n");
  c.feed("b AUTHENTICATE PLAIN\r\n");
  EXPECT_EQ(c.feed("!!!!\r\n").bytes, "b BAD Invalid base64 data in response\r\n");
  EXPECT_EQ(c.feed("c AUTHENTICATE PLAIN =\r\n").bytes, "c NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
  EXPECT_EQ(c.feed("d AUTHENTICATE CRAM-MD5\r\n").bytes, "d NO Unsupported authentication mechanism\r\n");
  Output out = c.feed(std::string("e AUTHENTICATE PLAIN ") + kPlainOtherAuthzid + "\r\n");
  EXPECT_EQ(out.bytes, "e NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
  EXPECT_FALSE(out.action.has_value());
  EXPECT_EQ(c.session.state(), ImapState::not_authenticated);
}

TEST(ImapSessionAuthTest, FailedAndTemporaryFailure) {
  Client c;
  c.feed("a LOGIN alice wrong\r\nb NOOP\r\n");
  Output out = c.session.auth_result(AuthResult::failed);
  EXPECT_EQ(out.bytes, "a NO [AUTHENTICATIONFAILED] Authentication failed\r\nb OK NOOP completed\r\n");
  c.feed("c LOGIN alice secret\r\n");
  out = c.session.auth_result(AuthResult::temporary_failure);
  EXPECT_EQ(out.bytes, "c NO [UNAVAILABLE] Temporary authentication failure, try again later\r\n");
  EXPECT_EQ(c.session.state(), ImapState::not_authenticated);
  EXPECT_EQ(c.session.user(), "");
}

TEST(ImapSessionAuthTest, TooManyFailuresClose) {
  ImapConfig config = test::plaintext_config();
  config.max_auth_failures = 2;
  Client c(config);
  c.feed("a LOGIN alice wrong\r\n");
  EXPECT_FALSE(c.session.auth_result(AuthResult::failed).close);
  c.feed("b LOGIN alice wrong\r\nc LOGIN alice secret\r\n");
  Output out = c.session.auth_result(AuthResult::failed);
  EXPECT_EQ(out.bytes,
            "b NO [AUTHENTICATIONFAILED] Authentication failed\r\n* BYE Too many failed authentication attempts\r\n");
  EXPECT_TRUE(out.close);
  EXPECT_FALSE(out.action.has_value());
  EXPECT_EQ(c.session.state(), ImapState::logout);
}

TEST(ImapSessionAuthTest, CommandsPipelinedAfterLoginRunOnceLoggedIn) {
  Client c;
  Output out = c.feed("a LOGIN alice secret\r\nb SELECT INBOX\r\n");
  ASSERT_NE(action_of<CheckCredentials>(out), nullptr);
  out = c.session.auth_result(AuthResult::ok);
  EXPECT_EQ(out.bytes.rfind("a OK [CAPABILITY ", 0), 0u);
  const MailboxWork* work = action_of<MailboxWork>(out);
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->request.command.tag, "b");

  Client refused;
  refused.feed("a LOGIN alice wrong\r\nb SELECT INBOX\r\n");
  out = refused.session.auth_result(AuthResult::failed);
  EXPECT_EQ(out.bytes, "a NO [AUTHENTICATIONFAILED] Authentication failed\r\nb BAD Please login first\r\n");
  EXPECT_FALSE(out.action.has_value());
}

TEST(ImapSessionAuthTest, LoginAfterLoginIsBad) {
  Client c;
  c.login();
  EXPECT_EQ(c.feed("a LOGIN bob pw\r\n").bytes, "a BAD Already logged in\r\n");
  EXPECT_EQ(c.feed("b AUTHENTICATE PLAIN\r\n").bytes, "b BAD Already logged in\r\n");
}

TEST(ImapSessionAuthTest, CompressOnceAfterLoginHandsOverTheRest) {
  Client c;
  c.login();
  Output out = c.feed("a COMPRESS DEFLATE\r\n\x01\x02\x03");
  EXPECT_EQ(out.bytes, "a OK DEFLATE active\r\n");
  const StartDeflate* start = action_of<StartDeflate>(out);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->compressed_input, "\x01\x02\x03");
  EXPECT_TRUE(c.session.compression_active());
  EXPECT_FALSE(c.session.waiting());
  out = c.feed("b CAPABILITY\r\n");  // what the shell inflated
  EXPECT_EQ(out.bytes.find("COMPRESS"), std::string::npos) << out.bytes;
  EXPECT_EQ(c.feed("c COMPRESS DEFLATE\r\n").bytes, "c NO [COMPRESSIONACTIVE] DEFLATE is already active\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::imap
