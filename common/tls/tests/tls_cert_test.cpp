#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <fstream>

#include "hamail/tls/self_signed.h"
#include "hamail/tls/tls_session.h"
#include "tls_test_util.h"

namespace hamail::tls {
namespace {

using testing::contains;
using testing::make_pair;
using testing::shuttle;
using testing::TempDir;

class TlsCertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SelfSignedOptions o;
    o.cert_path = cert_ = dir_.file("mail.crt");
    o.key_path = key_ = dir_.file("mail.key");
    o.common_name = "mail.example.org";
    o.dns_names = {"mail.example.org", "localhost"};
    Status st = generate_self_signed(o);
    ASSERT_TRUE(st) << st.message();
    auto s = TlsContext::cert_server(cert_, key_);
    ASSERT_TRUE(s) << s.error();
    server_ = std::make_unique<TlsContext>(*s);
  }

  // Runs a handshake and returns {client error, server error} ("" when fine).
  std::pair<std::string, std::string> handshake(const TlsContext& client, const std::string& name,
                                                std::string* client_describe = nullptr) {
    auto p = make_pair(client, *server_, name);
    if (!p.client || !p.server) return {"no session", "no session"};
    EXPECT_TRUE(p.client->write("A1 NOOP\r\n"));
    auto r = shuttle(*p.client, *p.server);
    if (r.client && r.server) {
      EXPECT_EQ(p.server->take_plaintext(), "A1 NOOP\r\n");
      if (client_describe) *client_describe = p.client->describe();
    }
    return {r.client ? "" : r.client.message(), r.server ? "" : r.server.message()};
  }

  TempDir dir_;
  std::string cert_, key_;
  std::unique_ptr<TlsContext> server_;
};

TEST_F(TlsCertTest, GeneratedPairHasPrivateKeyModeAndIsNotOverwritten) {
  struct stat st {};
  ASSERT_EQ(::stat(key_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(cert_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  SelfSignedOptions again;
  again.cert_path = cert_;
  again.key_path = key_;
  Status s = generate_self_signed(again);
  ASSERT_FALSE(s);
  EXPECT_TRUE(contains(s.message(), "already exists; not overwriting")) << s.message();
}

TEST_F(TlsCertTest, UnverifiedClientConnects) {
  auto client = TlsContext::cert_client(false);
  ASSERT_TRUE(client) << client.error();
  std::string desc;
  auto [c, s] = handshake(*client, "mail.example.org", &desc);
  EXPECT_EQ(c, "");
  EXPECT_EQ(s, "");
  EXPECT_TRUE(contains(desc, "TLSv1.3")) << desc;
  EXPECT_TRUE(contains(desc, "CN = mail.example.org unverified") || contains(desc, "CN=mail.example.org unverified"))
      << desc;
}

TEST_F(TlsCertTest, ClientVerifiesAgainstTheSelfSignedCertAsCa) {
  auto client = TlsContext::cert_client(true, cert_);
  ASSERT_TRUE(client) << client.error();
  std::string desc;
  auto [c, s] = handshake(*client, "mail.example.org", &desc);
  EXPECT_EQ(c, "");
  EXPECT_EQ(s, "");
  EXPECT_TRUE(contains(desc, " verified")) << desc;
  // By IP address too (the SAN has 127.0.0.1).
  auto [c2, s2] = handshake(*client, "127.0.0.1");
  EXPECT_EQ(c2, "");
}

TEST_F(TlsCertTest, ClientRefusesACertificateFromAnotherCa) {
  SelfSignedOptions other;
  other.cert_path = dir_.file("other.crt");
  other.key_path = dir_.file("other.key");
  ASSERT_TRUE(generate_self_signed(other));
  auto client = TlsContext::cert_client(true, other.cert_path);
  ASSERT_TRUE(client) << client.error();
  auto [c, s] = handshake(*client, "mail.example.org");
  EXPECT_TRUE(contains(c, "peer 10.201.3.11:7789: TLS handshake failed: certificate verify failed: self-signed "
                          "certificate"))
      << c;
  EXPECT_TRUE(contains(s, "the peer does not trust our certificate")) << s;
}

TEST_F(TlsCertTest, ClientRefusesAWrongHostName) {
  auto client = TlsContext::cert_client(true, cert_);
  ASSERT_TRUE(client);
  auto [c, s] = handshake(*client, "imap.example.com");
  EXPECT_TRUE(contains(c, "certificate verify failed: hostname mismatch (expected 'imap.example.com')")) << c;
}

TEST_F(TlsCertTest, Tls12IsTheMinimum) {
  auto client12 = TlsContext::cert_client(false);
  ASSERT_TRUE(client12);
  SSL_CTX_set_max_proto_version(client12->raw(), TLS1_2_VERSION);
  std::string desc;
  auto [c, s] = handshake(*client12, "", &desc);
  EXPECT_EQ(c, "");
  EXPECT_TRUE(contains(desc, "TLSv1.2")) << desc;

  auto client11 = TlsContext::cert_client(false);
  ASSERT_TRUE(client11);
  SSL_CTX_set_min_proto_version(client11->raw(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(client11->raw(), TLS1_1_VERSION);
  auto [c11, s11] = handshake(*client11, "");
  EXPECT_NE(c11, "");
}

TEST_F(TlsCertTest, LoadErrorsNameTheFile) {
  auto missing = TlsContext::cert_server(dir_.file("none.crt"), key_);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error(), "cannot read certificate file " + dir_.file("none.crt") + ": No such file"))
      << missing.error();

  std::string junk = dir_.file("junk.crt");
  { std::ofstream(junk) << "not a certificate\n"; }
  auto bad = TlsContext::cert_server(junk, key_);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error(), "cannot load certificate " + junk + ": ")) << bad.error();

  SelfSignedOptions other;
  other.cert_path = dir_.file("other.crt");
  other.key_path = dir_.file("other.key");
  ASSERT_TRUE(generate_self_signed(other));
  auto mismatch = TlsContext::cert_server(cert_, other.key_path);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error(), "private key " + other.key_path + " does not match certificate " + cert_);

  auto ca = TlsContext::cert_client(true, junk);
  ASSERT_FALSE(ca);
  EXPECT_TRUE(contains(ca.error(), "cannot load CA certificates from " + junk)) << ca.error();
}

}  // namespace
}  // namespace hamail::tls
