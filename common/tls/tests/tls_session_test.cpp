#include <gtest/gtest.h>

#include <cstdint>

#include "hamail/tls/tls_session.h"
#include "tls_test_util.h"

namespace hamail::tls {
namespace {

using testing::contains;
using testing::make_pair;
using testing::secret;
using testing::shuttle;

constexpr const char* kSecret = "correct horse battery staple 1234";

class TlsSessionTest : public ::testing::Test {
 protected:
  TlsContext server_ctx(const char* s = kSecret, const char* id = "r0") {
    auto c = TlsContext::psk_server(secret(s), id);
    EXPECT_TRUE(c) << c.error();
    return *c;
  }
  TlsContext client_ctx(const char* s = kSecret, const char* id = "r0") {
    auto c = TlsContext::psk_client(secret(s), id);
    EXPECT_TRUE(c) << c.error();
    return *c;
  }
};

// A deterministic byte pattern that makes reordering or loss visible.
std::string pattern(std::size_t n, std::uint32_t seed) {
  std::string out(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& ch : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    ch = static_cast<char>(x);
  }
  return out;
}

TEST_F(TlsSessionTest, PskHandshakeAndDataBothWays) {
  auto p = make_pair(client_ctx(), server_ctx());
  ASSERT_TRUE(p.client && p.server);
  EXPECT_GT(p.client->ciphertext_pending(), 0u) << "the ClientHello is ready at once";
  // Written before the handshake: queued, then sent.
  ASSERT_TRUE(p.client->write("hello from the primary"));
  auto r = shuttle(*p.client, *p.server);
  ASSERT_TRUE(r.client) << r.client.message();
  ASSERT_TRUE(r.server) << r.server.message();
  ASSERT_TRUE(p.client->handshake_done());
  ASSERT_TRUE(p.server->handshake_done());
  EXPECT_EQ(p.server->take_plaintext(), "hello from the primary");
  EXPECT_EQ(p.client->describe(), "TLSv1.3 TLS_AES_256_GCM_SHA384 psk=r0");
  EXPECT_EQ(p.server->describe(), "TLSv1.3 TLS_AES_256_GCM_SHA384 psk=r0");

  ASSERT_TRUE(p.server->write("ack 1"));
  r = shuttle(*p.client, *p.server);
  ASSERT_TRUE(r.client && r.server);
  EXPECT_EQ(p.client->take_plaintext(), "ack 1");
}

TEST_F(TlsSessionTest, EightMiBEachWayInChunks) {
  auto p = make_pair(client_ctx(), server_ctx());
  ASSERT_TRUE(p.client && p.server);
  constexpr std::size_t kTotal = 8 << 20;
  const std::string up = pattern(kTotal, 1);
  const std::string down = pattern(kTotal, 2);
  std::string got_up, got_down;
  std::size_t sent = 0;
  std::size_t chunk = 1;  // odd chunk sizes, growing to 256 KiB
  int rounds = 0;
  while ((got_up.size() < kTotal || got_down.size() < kTotal) && rounds++ < 10000) {
    if (sent < kTotal) {
      std::size_t n = std::min(chunk, kTotal - sent);
      ASSERT_TRUE(p.client->write(std::string_view(up).substr(sent, n)));
      ASSERT_TRUE(p.server->write(std::string_view(down).substr(sent, n)));
      sent += n;
      chunk = std::min<std::size_t>(chunk * 3 + 7, 256 * 1024);
    }
    auto r = shuttle(*p.client, *p.server);
    ASSERT_TRUE(r.client && r.server);
    // One direction read as TlsStream does (views of at most 100,001 bytes, consumed after
    // use), the other taken whole.
    for (std::string_view v; !(v = p.server->peek_plaintext(100001)).empty();) {
      got_up.append(v);
      p.server->consume_plaintext(v.size());
    }
    got_down += p.client->take_plaintext();
  }
  EXPECT_EQ(p.server->plaintext_pending(), 0u);
  EXPECT_EQ(got_up.size(), kTotal);
  EXPECT_TRUE(got_up == up);
  EXPECT_TRUE(got_down == down);
}

TEST_F(TlsSessionTest, WrongSecretIsRefusedOnBothSidesWithAClearMessage) {
  auto p = make_pair(client_ctx("a different secret, same length!"), server_ctx());
  ASSERT_TRUE(p.client && p.server);
  ASSERT_TRUE(p.client->write("must never arrive"));
  auto r = shuttle(*p.client, *p.server);
  ASSERT_FALSE(r.server);
  EXPECT_EQ(r.server.message(), "peer 10.201.3.12:51234: TLS handshake failed: wrong shared secret (PSK binder mismatch)");
  ASSERT_FALSE(r.client);
  EXPECT_TRUE(contains(r.client.message(), "peer 10.201.3.11:7789: TLS handshake failed: wrong shared secret"))
      << r.client.message();
  EXPECT_FALSE(p.server->handshake_done());
  EXPECT_EQ(p.server->plaintext_pending(), 0u);
  // The failure is final.
  EXPECT_FALSE(p.server->feed("x"));
  EXPECT_FALSE(p.client->write("more"));
}

TEST_F(TlsSessionTest, UnknownIdentityNamesIt) {
  auto p = make_pair(client_ctx(kSecret, "r1"), server_ctx(kSecret, "r0"));
  ASSERT_TRUE(p.client && p.server);
  auto r = shuttle(*p.client, *p.server);
  ASSERT_FALSE(r.server);
  EXPECT_TRUE(contains(r.server.message(), "unknown PSK identity 'r1'")) << r.server.message();
  ASSERT_FALSE(r.client);
  EXPECT_TRUE(contains(r.client.message(), "the peer refused the handshake")) << r.client.message();
}

TEST_F(TlsSessionTest, CloseNotifyEndsEachDirectionCleanly) {
  auto p = make_pair(client_ctx(), server_ctx());
  ASSERT_TRUE(shuttle(*p.client, *p.server).server);
  ASSERT_TRUE(p.client->write("last words"));
  ASSERT_TRUE(p.client->close());
  EXPECT_TRUE(p.client->close_sent());
  EXPECT_FALSE(p.client->write("after close"));
  auto r = shuttle(*p.client, *p.server);
  ASSERT_TRUE(r.client && r.server);
  EXPECT_EQ(p.server->take_plaintext(), "last words");
  EXPECT_TRUE(p.server->peer_closed());
  EXPECT_TRUE(p.server->end_of_input());
  // Half-close: the server may still answer before closing its side.
  ASSERT_TRUE(p.server->write("bye"));
  ASSERT_TRUE(p.server->close());
  r = shuttle(*p.client, *p.server);
  ASSERT_TRUE(r.client && r.server);
  EXPECT_EQ(p.client->take_plaintext(), "bye");
  EXPECT_TRUE(p.client->peer_closed());
  EXPECT_TRUE(p.client->end_of_input());
}

TEST_F(TlsSessionTest, CloseBeforeTheHandshakeIsSentAfterIt) {
  auto p = make_pair(client_ctx(), server_ctx());
  ASSERT_TRUE(p.client->write("queued"));
  ASSERT_TRUE(p.client->close());
  auto r = shuttle(*p.client, *p.server);
  ASSERT_TRUE(r.client && r.server);
  EXPECT_EQ(p.server->take_plaintext(), "queued");
  EXPECT_TRUE(p.server->peer_closed());
}

TEST_F(TlsSessionTest, EofWithoutCloseNotifyIsTruncation) {
  auto p = make_pair(client_ctx(), server_ctx());
  ASSERT_TRUE(shuttle(*p.client, *p.server).server);
  Status st = p.server->end_of_input();
  ASSERT_FALSE(st);
  EXPECT_TRUE(contains(st.message(), "without TLS close_notify")) << st.message();

  auto q = make_pair(client_ctx(), server_ctx());
  Status early = q.server->end_of_input();
  ASSERT_FALSE(early);
  EXPECT_TRUE(contains(early.message(), "TLS handshake failed: the peer closed the connection during the handshake"))
      << early.message();
}

TEST_F(TlsSessionTest, PlaintextPeerIsNotTls) {
  auto s = TlsSession::create(server_ctx(), "10.1.1.1:2000");
  ASSERT_TRUE(s);
  Status st = (*s)->feed("EHLO mail.example.org\r\n");
  ASSERT_FALSE(st);
  EXPECT_TRUE(contains(st.message(), "peer 10.1.1.1:2000: TLS handshake failed: the peer does not speak TLS"))
      << st.message();
}

TEST_F(TlsSessionTest, TamperedRecordIsDetected) {
  auto p = make_pair(client_ctx(), server_ctx());
  ASSERT_TRUE(shuttle(*p.client, *p.server).server);
  ASSERT_TRUE(p.client->write("transfer 100 to alice"));
  std::string record = p.client->take_ciphertext();
  ASSERT_GT(record.size(), 10u);
  record[record.size() - 3] ^= 0x01;
  Status st = p.server->feed(record);
  ASSERT_FALSE(st);
  EXPECT_TRUE(contains(st.message(), "TLS error: record authentication failed")) << st.message();
  EXPECT_EQ(p.server->plaintext_pending(), 0u);
}

TEST_F(TlsSessionTest, BuffersAreBounded) {
  auto p = make_pair(client_ctx(), server_ctx());
  ASSERT_TRUE(shuttle(*p.client, *p.server).server);
  p.client->set_send_limit(64 * 1024);
  ASSERT_TRUE(p.client->write(std::string(32 * 1024, 'a')));
  Status full = p.client->write(std::string(32 * 1024, 'b'));
  ASSERT_FALSE(full);
  EXPECT_TRUE(contains(full.message(), "write queue full")) << full.message();
  std::string wire = p.client->take_ciphertext();
  EXPECT_TRUE(p.client->write(std::string(32 * 1024, 'b'))) << "room again once taken";

  p.server->set_receive_limit(40 * 1024);
  ASSERT_TRUE(p.server->feed(wire));
  Status rfull = p.server->feed(p.client->take_ciphertext());
  ASSERT_FALSE(rfull);
  EXPECT_TRUE(contains(rfull.message(), "receive buffer full")) << rfull.message();
  EXPECT_FALSE(p.server->failed()) << "a full buffer is backpressure, not a failure";
}

TEST_F(TlsSessionTest, PskServerRefusesACertificateClient) {
  auto cert_client = TlsContext::cert_client(false);
  ASSERT_TRUE(cert_client) << cert_client.error();
  auto p = make_pair(*cert_client, server_ctx());
  auto r = shuttle(*p.client, *p.server);
  ASSERT_FALSE(r.server);
  EXPECT_TRUE(contains(r.server.message(), "the peer offered no pre-shared key")) << r.server.message();
  EXPECT_FALSE(r.client);
}

TEST_F(TlsSessionTest, IdentityIsValidated) {
  auto bad = TlsContext::psk_server(secret(kSecret), "r 0");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error(), "not printable ASCII")) << bad.error();
  EXPECT_FALSE(TlsContext::psk_client(secret(kSecret), ""));
}

}  // namespace
}  // namespace hamail::tls
