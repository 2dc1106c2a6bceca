// SmtpClientSession against a scripted fake server: byte-exact commands for each reply,
// pipelining, STARTTLS, SIZE/SMTPUTF8 refusals, dot-stuffing, the reply parser's limits,
// and the outcome, reply and stage decided for every recipient.
#include "hamail/mailsvc/smtp/client_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hamail::mailsvc::smtp {
namespace {

using Outcome = RecipientOutcome;

const std::string kGreeting = "220 mx.remote.example ESMTP\r\n";
const std::string kEhlo = "EHLO out.example.org\r\n";
const std::string kEhloReply = "250-mx.remote.example\r\n250-SIZE 10000\r\n250 8BITMIME\r\n";
const std::string kEhloPipelining = "250-mx.remote.example\r\n250-PIPELINING\r\n250 SIZE\r\n";
const std::string kMessage = "Subject: hi\r\n\r\nhello\r\n";  // 22 octets

ClientTransaction tx(std::vector<std::string> recipients = {"bob@remote.example"}) {
  ClientTransaction t;
  t.helo_name = "out.example.org";
  t.mail_from = "alice@example.org";
  t.recipients = std::move(recipients);
  t.data = kMessage;
  return t;
}

// One exchange: what the server sends, and exactly what the client must send back.
struct Step {
  std::string server;
  std::string client;
};

void run(SmtpClientSession& s, const std::vector<Step>& script) {
  for (const Step& step : script) EXPECT_EQ(s.feed(step.server).bytes, step.client) << "server sent: " << step.server;
}

void expect_result(const RecipientResult& r, Outcome outcome, const std::string& reply, const std::string& stage) {
  EXPECT_EQ(r.outcome, outcome) << r.address;
  EXPECT_EQ(r.reply.to_string(), reply) << r.address;
  EXPECT_EQ(r.stage, stage) << r.address;
}

const std::vector<Step> kPlainScript = {
    {kGreeting, kEhlo},
    {kEhloReply, "MAIL FROM:<alice@example.org> SIZE=22\r\n"},
    {"250 2.1.0 Ok\r\n", "RCPT TO:<bob@remote.example>\r\n"},
    {"250 2.1.5 Ok\r\n", "DATA\r\n"},
    {"354 End data with <CR><LF>.<CR><LF>\r\n", kMessage + ".\r\n"},
    {"250 2.0.0 Ok: queued as X1\r\n", "QUIT\r\n"},
};

TEST(SmtpClientSession, HappyPathWithoutPipelining) {
  SmtpClientSession s(tx(), ClientTlsPolicy::none);
  EXPECT_EQ(s.stage(), "greeting");
  run(s, {kPlainScript.begin(), kPlainScript.end() - 1});
  EXPECT_EQ(s.stage(), "data_end");
  ClientOutput o = s.feed(kPlainScript.back().server);
  EXPECT_EQ(o.bytes, "QUIT\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_TRUE(s.done());
  EXPECT_EQ(s.stage(), "done");
  ASSERT_EQ(s.results().size(), 1u);
  expect_result(s.results()[0], Outcome::delivered, "250 2.0.0 Ok: queued as X1", "data_end");
  EXPECT_FALSE(s.tls_active());
  EXPECT_EQ(s.feed("221 2.0.0 Bye\r\n").bytes, "");  // after done: ignored
}

TEST(SmtpClientSession, SameBytesForEverySplitOfTheReplies) {
  for (std::size_t chunk = 1; chunk <= 7; ++chunk) {
    SmtpClientSession s(tx(), ClientTlsPolicy::none);
    for (const Step& step : kPlainScript) {
      std::string sent;
      for (std::size_t i = 0; i < step.server.size(); i += chunk) sent += s.feed(step.server.substr(i, chunk)).bytes;
      EXPECT_EQ(sent, step.client) << "chunk " << chunk;
    }
    EXPECT_EQ(s.results()[0].outcome, Outcome::delivered);
  }
}

TEST(SmtpClientSession, PipeliningSendsEnvelopeAndDataInOneWrite) {
  SmtpClientSession s(tx({"bob@remote.example", "carol@remote.example"}), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo},
          {kEhloPipelining,
           "MAIL FROM:<alice@example.org> SIZE=22\r\nRCPT TO:<bob@remote.example>\r\n"
           "RCPT TO:<carol@remote.example>\r\nDATA\r\n"},
          {"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n", ""},
          {"250 2.1.5 Ok\r\n354 go ahead\r\n", kMessage + ".\r\n"},
          {"250 2.0.0 queued\r\n", "QUIT\r\n"}});
  EXPECT_TRUE(s.done());
  for (const RecipientResult& r : s.results()) expect_result(r, Outcome::delivered, "250 2.0.0 queued", "data_end");
}

TEST(SmtpClientSession, MultiLineGreetingAndCaseInsensitiveEhlo) {
  ClientTransaction t = tx();
  t.body_8bitmime = true;
  t.smtputf8 = true;
  SmtpClientSession s(std::move(t), ClientTlsPolicy::none);
  run(s, {{"220-mx.remote.example ESMTP\r\n220-no UCE\r\n220 welcome\r\n", kEhlo},
          {"250-mx.remote.example Hello\r\n250-size 5000\r\n250-8bitmime\r\n250-smtputf8\r\n"
           "250 EnhancedStatusCodes\r\n",
           "MAIL FROM:<alice@example.org> SIZE=22 BODY=8BITMIME SMTPUTF8\r\n"}});
  EXPECT_TRUE(s.capabilities().size);
  EXPECT_EQ(s.capabilities().size_limit, 5000u);
  EXPECT_TRUE(s.capabilities().eightbitmime);
  EXPECT_TRUE(s.capabilities().smtputf8);
  EXPECT_TRUE(s.capabilities().enhanced_status_codes);
  EXPECT_FALSE(s.capabilities().pipelining);
  EXPECT_FALSE(s.capabilities().starttls);
}

TEST(SmtpClientSession, MixedRecipientResults) {
  SmtpClientSession s(tx({"gone@remote.example", "full@remote.example", "ok@remote.example"}), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo},
          {kEhloReply, "MAIL FROM:<alice@example.org> SIZE=22\r\n"},
          {"250 2.1.0 Ok\r\n", "RCPT TO:<gone@remote.example>\r\n"},
          {"550-5.1.1 The email account does not exist.\r\n550 5.1.1 Try again.\r\n",
           "RCPT TO:<full@remote.example>\r\n"},
          {"451 4.2.0 Mailbox busy\r\n", "RCPT TO:<ok@remote.example>\r\n"},
          {"250 2.1.5 Ok\r\n", "DATA\r\n"},
          {"354 go\r\n", kMessage + ".\r\n"},
          {"250 2.0.0 queued\r\n", "QUIT\r\n"}});
  ASSERT_EQ(s.results().size(), 3u);
  expect_result(s.results()[0], Outcome::failed, "550 5.1.1 The email account does not exist. Try again.", "rcpt");
  expect_result(s.results()[1], Outcome::deferred, "451 4.2.0 Mailbox busy", "rcpt");
  expect_result(s.results()[2], Outcome::delivered, "250 2.0.0 queued", "data_end");
}

TEST(SmtpClientSession, RefusingGreetingDefersAll) {
  for (std::string greeting : {"421 4.3.2 Too busy\r\n", "554 No SMTP service here\r\n"}) {
    SmtpClientSession s(tx(), ClientTlsPolicy::may);
    ClientOutput o = s.feed(greeting);
    EXPECT_EQ(o.bytes, "QUIT\r\n");
    EXPECT_TRUE(o.done);
    EXPECT_EQ(s.results()[0].outcome, Outcome::deferred);  // another MX may do
    EXPECT_EQ(s.results()[0].stage, "greeting");
    EXPECT_EQ(s.results()[0].reply.code, std::stoi(greeting));
  }
}

TEST(SmtpClientSession, EhloRefusedFallsBackToHelo) {
  SmtpClientSession s(tx(), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo},
          {"502 5.5.1 Command not implemented\r\n", "HELO out.example.org\r\n"},
          {"250 mx.remote.example\r\n", "MAIL FROM:<alice@example.org>\r\n"}});  // no SIZE without EHLO
  EXPECT_EQ(s.stage(), "mail");

  SmtpClientSession helo_refused(tx(), ClientTlsPolicy::none);
  run(helo_refused, {{kGreeting, kEhlo}, {"500 no\r\n", "HELO out.example.org\r\n"}, {"550 go away\r\n", "QUIT\r\n"}});
  expect_result(helo_refused.results()[0], Outcome::failed, "550 go away", "ehlo");

  SmtpClientSession ehlo_busy(tx(), ClientTlsPolicy::none);
  run(ehlo_busy, {{kGreeting, kEhlo}, {"421 4.3.2 busy\r\n", "QUIT\r\n"}});
  expect_result(ehlo_busy.results()[0], Outcome::deferred, "421 4.3.2 busy", "ehlo");
}

TEST(SmtpClientSession, OpportunisticStartTls) {
  SmtpClientSession s(tx(), ClientTlsPolicy::may);
  run(s, {{kGreeting, kEhlo}, {"250-mx.remote.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n", "STARTTLS\r\n"}});
  // Whatever follows the 220 in the clear is dropped (RFC 3207 injection).
  ClientOutput o = s.feed("220 2.0.0 Ready to start TLS\r\n250 2.1.0 injected\r\n");
  EXPECT_TRUE(o.start_tls);
  EXPECT_EQ(o.bytes, "");
  EXPECT_FALSE(o.done);
  EXPECT_EQ(s.stage(), "starttls");
  EXPECT_EQ(s.feed("250 2.1.5 injected too\r\n").bytes, "");
  ClientOutput ehlo = s.tls_started();
  EXPECT_EQ(ehlo.bytes, kEhlo);
  EXPECT_TRUE(s.tls_active());
  EXPECT_FALSE(s.capabilities().pipelining);  // forgotten
  // The capabilities are read again: no PIPELINING now, so one command at a time.
  run(s, {{kEhloReply, "MAIL FROM:<alice@example.org> SIZE=22\r\n"},
          {"250 2.1.0 Ok\r\n", "RCPT TO:<bob@remote.example>\r\n"}});
  EXPECT_EQ(s.tls_started().bytes, "");  // not asked for
}

TEST(SmtpClientSession, StartTlsRefused) {
  const std::string ehlo_tls = "250-mx.remote.example\r\n250 STARTTLS\r\n";
  SmtpClientSession may(tx(), ClientTlsPolicy::may);
  run(may, {{kGreeting, kEhlo},
            {ehlo_tls, "STARTTLS\r\n"},
            {"454 4.7.0 TLS not available\r\n", "MAIL FROM:<alice@example.org>\r\n"}});
  EXPECT_FALSE(may.tls_active());

  SmtpClientSession encrypt(tx(), ClientTlsPolicy::encrypt);
  run(encrypt, {{kGreeting, kEhlo}, {ehlo_tls, "STARTTLS\r\n"}, {"454 4.7.0 TLS not available\r\n", "QUIT\r\n"}});
  expect_result(encrypt.results()[0], Outcome::deferred, "454 4.7.0 TLS not available", "starttls");

  SmtpClientSession none(tx(), ClientTlsPolicy::none);
  run(none, {{kGreeting, kEhlo}, {ehlo_tls, "MAIL FROM:<alice@example.org>\r\n"}});
}

TEST(SmtpClientSession, EncryptWithoutStartTlsDefers) {
  SmtpClientSession s(tx(), ClientTlsPolicy::encrypt);
  run(s, {{kGreeting, kEhlo}, {kEhloReply, "QUIT\r\n"}});
  EXPECT_TRUE(s.done());
  expect_result(s.results()[0], Outcome::deferred, "451 4.7.4 TLS required but not offered by server", "starttls");
}

TEST(SmtpClientSession, TlsHandshakeFailureDefers) {
  SmtpClientSession s(tx(), ClientTlsPolicy::may);
  run(s, {{kGreeting, kEhlo}, {"250-mx\r\n250 STARTTLS\r\n", "STARTTLS\r\n"}});
  EXPECT_TRUE(s.feed("220 go\r\n").start_tls);
  ClientOutput o = s.tls_failed("certificate verify failed");
  EXPECT_EQ(o.bytes, "");
  EXPECT_TRUE(o.done);
  expect_result(s.results()[0], Outcome::deferred, "451 4.7.5 TLS handshake failed: certificate verify failed",
                "starttls");
}

TEST(SmtpClientSession, TooBigForServerFailsWithoutMail) {
  SmtpClientSession s(tx(), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo}, {"250-mx\r\n250 SIZE 21\r\n", "QUIT\r\n"}});
  expect_result(s.results()[0], Outcome::failed, "552 5.3.4 message size 22 exceeds the server's limit 21", "mail");

  SmtpClientSession fits(tx(), ClientTlsPolicy::none);
  run(fits, {{kGreeting, kEhlo}, {"250-mx\r\n250 SIZE 22\r\n", "MAIL FROM:<alice@example.org> SIZE=22\r\n"}});
}

TEST(SmtpClientSession, DotStuffingAndFinalLineEnd) {
  ClientTransaction t = tx();
  // Bare LF and bare CR both become CRLF: "\r.\r" can never be taken for the end of data
  // by a server that accepts sloppy line ends (SMTP smuggling).
  t.data = ".hidden\r\n..two\r\nbare lf\n.\nbare cr\r.\rlast line";  // 51 octets as CRLF lines, unstuffed
  t.mail_from = "";
  SmtpClientSession s(std::move(t), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo},
          {kEhloReply, "MAIL FROM:<> SIZE=51\r\n"},
          {"250 Ok\r\n", "RCPT TO:<bob@remote.example>\r\n"},
          {"250 Ok\r\n", "DATA\r\n"},
          {"354 go\r\n", "..hidden\r\n...two\r\nbare lf\r\n..\r\nbare cr\r\n..\r\nlast line\r\n.\r\n"}});
}

TEST(SmtpClientSession, FinalReplyDecidesAccepted) {
  for (auto [reply, outcome] : {std::pair{"552 5.3.4 Message too big\r\n", Outcome::failed},
                                std::pair{"451 4.3.0 Try later\r\n", Outcome::deferred}}) {
    SmtpClientSession s(tx({"a@remote.example", "b@remote.example"}), ClientTlsPolicy::none);
    run(s, {{kGreeting, kEhlo},
            {kEhloPipelining,
             "MAIL FROM:<alice@example.org> SIZE=22\r\nRCPT TO:<a@remote.example>\r\n"
             "RCPT TO:<b@remote.example>\r\nDATA\r\n"},
            {"250 Ok\r\n550 5.1.1 no\r\n250 Ok\r\n354 go\r\n", kMessage + ".\r\n"},
            {reply, "QUIT\r\n"}});
    expect_result(s.results()[0], Outcome::failed, "550 5.1.1 no", "rcpt");
    EXPECT_EQ(s.results()[1].outcome, outcome);
    EXPECT_EQ(s.results()[1].stage, "data_end");
  }
}

TEST(SmtpClientSession, DataRefusedDecidesAccepted) {
  SmtpClientSession s(tx(), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo},
          {kEhloPipelining, "MAIL FROM:<alice@example.org> SIZE=22\r\nRCPT TO:<bob@remote.example>\r\nDATA\r\n"},
          {"250 Ok\r\n250 Ok\r\n554 5.5.0 No thanks\r\n", "QUIT\r\n"}});
  expect_result(s.results()[0], Outcome::failed, "554 5.5.0 No thanks", "data");
}

TEST(SmtpClientSession, MailRefused) {
  for (auto [reply, outcome] : {std::pair{"451 4.3.0 later\r\n", Outcome::deferred},
                                std::pair{"553 5.7.1 sender refused\r\n", Outcome::failed}}) {
    SmtpClientSession s(tx({"a@remote.example", "b@remote.example"}), ClientTlsPolicy::none);
    run(s, {{kGreeting, kEhlo}, {kEhloReply, "MAIL FROM:<alice@example.org> SIZE=22\r\n"}, {reply, "QUIT\r\n"}});
    for (const RecipientResult& r : s.results()) EXPECT_EQ(r.outcome, outcome);
    EXPECT_EQ(s.results()[1].stage, "mail");
  }
}

TEST(SmtpClientSession, ConnectionLostAfterTheDotDefers) {
  SmtpClientSession s(tx(), ClientTlsPolicy::none);
  run(s, {kPlainScript.begin(), kPlainScript.end() - 1});
  ClientOutput o = s.connection_lost("timeout");
  EXPECT_EQ(o.bytes, "");
  EXPECT_TRUE(o.done);
  // The server may have queued it: a retry can deliver twice (at least once).
  expect_result(s.results()[0], Outcome::deferred, "451 4.4.2 connection lost in stage data_end: timeout",
                "connection");
  EXPECT_EQ(s.connection_lost("again").done, false);  // already done
}

TEST(SmtpClientSession, MalformedRepliesAreProtocolErrors) {
  struct Case {
    std::string server;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"HTTP/1.1 400 Bad Request\r\n", "malformed reply line \"HTTP/1.1 400 Bad Request\""},
           {"220-mx\r\n250 mixed\r\n", "reply code changed within a multi-line reply: \"250 mixed\""},
           {"220+mx\r\n", "malformed reply line \"220+mx\""},
           {"199 early\r\n", "malformed reply line \"199 early\""},
           {"220 hi\r\n250 not asked for\r\n", "reply 250 to no command"},
       }) {
    SmtpClientSession s(tx(), ClientTlsPolicy::none);
    ClientOutput o = s.feed(c.server);
    EXPECT_TRUE(o.done) << c.server;
    EXPECT_TRUE(o.bytes.ends_with("QUIT\r\n")) << c.server;
    expect_result(s.results()[0], Outcome::deferred, "451 4.5.0 protocol error: " + c.error,
                  c.server.starts_with("220 hi") ? "ehlo" : "greeting");
  }
}

TEST(SmtpClientSession, UnexpectedReplyClassIsAProtocolError) {
  SmtpClientSession s(tx(), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo}, {kEhloReply, "MAIL FROM:<alice@example.org> SIZE=22\r\n"}, {"354 what\r\n", "QUIT\r\n"}});
  expect_result(s.results()[0], Outcome::deferred, "451 4.5.0 protocol error: unexpected reply 354", "mail");
}

TEST(SmtpClientSession, ReplyLimits) {
  std::string longest = "220 " + std::string(ClientReplyParser::kMaxLine - 6, 'x') + "\r\n";
  SmtpClientSession fits(tx(), ClientTlsPolicy::none);
  EXPECT_EQ(fits.feed(longest).bytes, kEhlo);
  EXPECT_EQ(fits.last_reply().text.size(), ClientReply::kMaxText);  // kept bounded

  SmtpClientSession too_long(tx(), ClientTlsPolicy::none);
  std::string over = "220 " + std::string(ClientReplyParser::kMaxLine - 4, 'x');  // 2050 with CRLF
  run(too_long, {{over, "QUIT\r\n"}});  // known before the line ends
  EXPECT_EQ(too_long.results()[0].reply.to_string(), "451 4.5.0 protocol error: reply line longer than 2048 octets");

  SmtpClientSession many(tx(), ClientTlsPolicy::none);
  std::string lines;
  for (int i = 0; i < 101; ++i) lines += "220-line\r\n";
  run(many, {{lines, "QUIT\r\n"}});
  EXPECT_EQ(many.results()[0].reply.text, "protocol error: reply of more than 100 lines");
}

TEST(SmtpClientSession, BareLfRepliesAccepted) {
  SmtpClientSession s(tx(), ClientTlsPolicy::none);
  run(s, {{"220-mx\n220 hi\n", kEhlo}, {"250-mx\n250 SIZE\n", "MAIL FROM:<alice@example.org> SIZE=22\r\n"}});
}

TEST(SmtpClientSession, NoneAcceptedSendsNoData) {
  SmtpClientSession s(tx({"a@remote.example", "b@remote.example"}), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo},
          {kEhloReply, "MAIL FROM:<alice@example.org> SIZE=22\r\n"},
          {"250 Ok\r\n", "RCPT TO:<a@remote.example>\r\n"},
          {"550 5.1.1 no\r\n", "RCPT TO:<b@remote.example>\r\n"},
          {"450 4.2.1 later\r\n", "QUIT\r\n"}});
  expect_result(s.results()[0], Outcome::failed, "550 5.1.1 no", "rcpt");
  expect_result(s.results()[1], Outcome::deferred, "450 4.2.1 later", "rcpt");

  // Pipelined: QUIT without waiting for DATA's reply, even if it would be 354.
  SmtpClientSession p(tx(), ClientTlsPolicy::none);
  run(p, {{kGreeting, kEhlo},
          {kEhloPipelining, "MAIL FROM:<alice@example.org> SIZE=22\r\nRCPT TO:<bob@remote.example>\r\nDATA\r\n"},
          {"250 Ok\r\n550 5.1.1 no\r\n354 go\r\n", "QUIT\r\n"}});
  expect_result(p.results()[0], Outcome::failed, "550 5.1.1 no", "rcpt");
}

TEST(SmtpClientSession, Smtputf8RequiredButNotOffered) {
  ClientTransaction t = tx();
  t.smtputf8 = true;
  SmtpClientSession s(std::move(t), ClientTlsPolicy::none);
  run(s, {{kGreeting, kEhlo}, {kEhloReply, "QUIT\r\n"}});
  expect_result(s.results()[0], Outcome::failed, "553 5.6.7 SMTPUTF8 required but not offered by server", "mail");
}

TEST(SmtpClientSession, UnsafeValuesAreNeverSent) {
  SmtpClientSession s(tx({"x@remote.example>\r\nRCPT TO:<evil@remote.example", "ok@remote.example"}),
                      ClientTlsPolicy::none);
  EXPECT_FALSE(s.done());
  run(s, {{kGreeting, kEhlo},
          {kEhloPipelining, "MAIL FROM:<alice@example.org> SIZE=22\r\nRCPT TO:<ok@remote.example>\r\nDATA\r\n"}});
  expect_result(s.results()[0], Outcome::failed, "501 5.1.3 bad recipient address syntax", "rcpt");

  SmtpClientSession all_bad(tx({"<a@remote.example>"}), ClientTlsPolicy::none);
  EXPECT_TRUE(all_bad.done());  // nothing to send: do not connect
  EXPECT_EQ(all_bad.feed(kGreeting).bytes, "");

  ClientTransaction t = tx();
  t.mail_from = "a@b\r\nRSET";
  SmtpClientSession bad_sender(std::move(t), ClientTlsPolicy::none);
  EXPECT_TRUE(bad_sender.done());
  expect_result(bad_sender.results()[0], Outcome::failed, "501 5.1.7 bad sender address syntax", "mail");
}

TEST(ClientReply, EnhancedCodeAndText) {
  auto summary = [](int code, std::vector<std::string> lines) {
    return ReceivedReply{code, std::move(lines)}.summary();
  };
  EXPECT_EQ(summary(250, {"2.0.0 Ok"}).enhanced, "2.0.0");
  EXPECT_EQ(summary(550, {"4.1.1 wrong class"}).to_string(), "550 4.1.1 wrong class");
  EXPECT_EQ(summary(550, {"5.1.1"}).to_string(), "550 5.1.1");
  EXPECT_EQ(summary(550, {"5.1.1234 too long"}).enhanced, "");
  EXPECT_EQ(summary(550, {"5.1.1x"}).enhanced, "");
  EXPECT_EQ(summary(220, {""}).to_string(), "220");
  EXPECT_EQ(summary(554, {"5.7.1 a\tb", "5.7.1 c"}).text, "a?b c");
  EXPECT_EQ(parse_ehlo({"mx", "SIZE junk"}).size_limit, 0u);
  EXPECT_TRUE(parse_ehlo({"mx", "SIZE junk"}).size);
}

}  // namespace
}  // namespace hamail::mailsvc::smtp
