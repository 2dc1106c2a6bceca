#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "hamail/uv/stream.h"
#include "hamail/tls/tls_stream.h"
#include "tls_test_util.h"
#include "../../uv/tests/uv_test_util.h"

namespace hamail::tls {
namespace {

using testing::contains;
using testing::secret;
using uv::testing::run_for;
using uv::testing::run_until;

constexpr const char* kSecret = "correct horse battery staple 1234";

class TlsStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
  }
  void TearDown() override {
    server_tls_.clear();
    server_plain_.clear();
    server_.reset();
    loop_.reset();
  }

  TlsContext psk_server(const char* s = kSecret) { return *TlsContext::psk_server(secret(s), "r0"); }
  TlsContext psk_client(const char* s = kSecret) { return *TlsContext::psk_client(secret(s), "r0"); }

  // Listens on 127.0.0.1:0; each accepted stream goes to `on_accept`.
  void listen(std::function<void(std::unique_ptr<uv::Stream>)> on_accept) {
    auto server = uv::StreamServer::listen_tcp(*loop_, "127.0.0.1", 0,
                                               [on_accept](Result<std::unique_ptr<uv::Stream>> s) {
                                                 ASSERT_TRUE(s) << s.error();
                                                 on_accept(std::move(*s));
                                               });
    ASSERT_TRUE(server) << server.error();
    server_ = std::move(*server);
  }

  // TLS echo server: whatever it decrypts it sends back.
  void listen_tls_echo(TlsContext ctx) {
    listen([this, ctx](std::unique_ptr<uv::Stream> s) {
      auto t = TlsStream::start(*loop_, std::move(s), ctx);
      ASSERT_TRUE(t) << t.error();
      TlsStream* raw = t->get();
      // The echo has no backpressure of its own: room for everything a test sends, so a
      // slow loop turn (a loaded machine) cannot fill its queue; the client's limit is tested.
      raw->set_write_limit(16 << 20);
      server_tls_.push_back(std::move(*t));
      Status st = raw->start_reading([raw](std::string_view d) { EXPECT_TRUE(raw->write(std::string(d))); },
                                     [this](Status end) { server_ends_.push_back(end); });
      EXPECT_TRUE(st) << st.message();
    });
  }

  std::unique_ptr<uv::Stream> connect() {
    std::unique_ptr<uv::Stream> out;
    std::string error;
    auto pc = uv::connect_tcp(*loop_, "127.0.0.1", server_->local_port(), [&](Result<std::unique_ptr<uv::Stream>> s) {
      if (s)
        out = std::move(*s);
      else
        error = s.error();
    });
    EXPECT_TRUE(pc) << pc.error();
    EXPECT_TRUE(run_until(*loop_, [&] { return out || !error.empty(); }));
    EXPECT_EQ(error, "");
    return out;
  }

  std::unique_ptr<uv::EventLoop> loop_;
  std::unique_ptr<uv::StreamServer> server_;
  std::vector<std::unique_ptr<TlsStream>> server_tls_;
  std::vector<std::unique_ptr<uv::Stream>> server_plain_;
  std::vector<Status> server_ends_;
};

TEST_F(TlsStreamTest, PskEchoOverTcp) {
  listen_tls_echo(psk_server());
  auto client = TlsStream::start(*loop_, connect(), psk_client());
  ASSERT_TRUE(client) << client.error();
  TlsStream& c = **client;
  std::string got;
  std::optional<Status> end;
  bool ready = false;
  ASSERT_TRUE(c.start_reading([&](std::string_view d) { got += d; }, [&](Status s) { end = s; },
                              [&] { ready = true; }));
  ASSERT_TRUE(c.write("hello\n"));  // before the handshake: queued
  ASSERT_TRUE(run_until(*loop_, [&] { return got.size() >= 6 || end; }));
  EXPECT_EQ(got, "hello\n");
  EXPECT_TRUE(ready);
  EXPECT_EQ(c.describe(), "TLSv1.3 TLS_AES_256_GCM_SHA384 psk=r0");

  // 3 MiB through a 1 MiB write limit: write as room frees up.
  const std::string big(3 << 20, 'z');
  got.clear();
  std::size_t sent = 0;
  ASSERT_TRUE(run_until(
      *loop_,
      [&] {
        while (sent < big.size() && c.pending_write_bytes() < 512 * 1024) {
          Status st = c.write(big.substr(sent, 128 * 1024));
          EXPECT_TRUE(st) << st.message();
          if (!st) return true;
          sent += 128 * 1024;
        }
        return got.size() >= big.size() || end.has_value();
      },
      10000));
  EXPECT_TRUE(got == big);
  Status full = c.write(std::string(2 << 20, 'x'));
  ASSERT_FALSE(full);
  EXPECT_TRUE(contains(full.message(), "write queue full")) << full.message();

  // Orderly close: close_notify reaches the server as an ok end.
  ASSERT_TRUE(c.shutdown());
  ASSERT_TRUE(run_until(*loop_, [&] { return !server_ends_.empty(); }));
  EXPECT_TRUE(server_ends_[0].is_ok()) << server_ends_[0].message();
}

TEST_F(TlsStreamTest, WrongSecretIsRefusedOnBothSides) {
  listen_tls_echo(psk_server());
  auto client = TlsStream::start(*loop_, connect(), psk_client("a different secret, same length!"));
  ASSERT_TRUE(client) << client.error();
  std::optional<Status> end;
  std::string got;
  ASSERT_TRUE((*client)->start_reading([&](std::string_view d) { got += d; }, [&](Status s) { end = s; }));
  ASSERT_TRUE((*client)->write("must not arrive"));
  ASSERT_TRUE(run_until(*loop_, [&] { return end && !server_ends_.empty(); }));
  ASSERT_FALSE(server_ends_[0]);
  const std::string& srv = server_ends_[0].message();
  EXPECT_TRUE(contains(srv, "peer 127.0.0.1:")) << srv;
  EXPECT_TRUE(contains(srv, ": TLS handshake failed: wrong shared secret (PSK binder mismatch)")) << srv;
  ASSERT_FALSE(*end);
  EXPECT_TRUE(contains(end->message(), "peer 127.0.0.1:" + std::to_string(server_->local_port()) +
                                           ": TLS handshake failed: wrong shared secret"))
      << end->message();
  EXPECT_EQ(got, "");
  EXPECT_FALSE((*client)->handshake_done());
}

TEST_F(TlsStreamTest, EofWithoutCloseNotifyIsReported) {
  listen_tls_echo(psk_server());
  auto client = TlsStream::start(*loop_, connect(), psk_client());
  ASSERT_TRUE(client);
  bool ready = false;
  ASSERT_TRUE((*client)->start_reading([](std::string_view) {}, [](Status) {}, [&] { ready = true; }));
  ASSERT_TRUE(run_until(*loop_, [&] { return ready && !server_tls_.empty() && server_tls_[0]->handshake_done(); }));
  client->reset();  // closes the socket, no close_notify
  ASSERT_TRUE(run_until(*loop_, [&] { return !server_ends_.empty(); }));
  ASSERT_FALSE(server_ends_[0]);
  EXPECT_TRUE(contains(server_ends_[0].message(), "without TLS close_notify")) << server_ends_[0].message();
}

TEST_F(TlsStreamTest, HandshakeTimesOut) {
  TlsContext ctx = psk_server();
  listen([this, ctx](std::unique_ptr<uv::Stream> s) {
    TlsStreamOptions o;
    o.handshake_timeout_ms = 150;
    auto t = TlsStream::start(*loop_, std::move(s), ctx, o);
    ASSERT_TRUE(t);
    TlsStream* raw = t->get();
    server_tls_.push_back(std::move(*t));
    ASSERT_TRUE(raw->start_reading([](std::string_view) {}, [this](Status e) { server_ends_.push_back(e); }));
  });
  auto silent = connect();  // connects, says nothing
  ASSERT_TRUE(run_until(*loop_, [&] { return !server_ends_.empty(); }));
  ASSERT_FALSE(server_ends_[0]);
  EXPECT_TRUE(contains(server_ends_[0].message(), "TLS handshake failed: timed out after 150 ms"))
      << server_ends_[0].message();
}

// ---- STARTTLS ----
// A tiny line protocol: the client sends "STARTTLS\r\n", the server answers
// "220 ready\r\n" and both switch to TLS; whatever the server then decrypts is
// recorded in `tls_received_`.
class TlsStartTlsTest : public TlsStreamTest {
 protected:
  void listen_starttls(TlsContext ctx, PipelinedPlaintext policy) {
    listen([this, ctx, policy](std::unique_ptr<uv::Stream> s) {
      uv::Stream* raw = s.get();
      server_plain_.push_back(std::move(s));
      auto buffer = std::make_shared<std::string>();
      ASSERT_TRUE(raw->start_reading(
          [this, raw, buffer, ctx, policy](std::string_view d) {
            buffer->append(d);
            std::size_t eol = buffer->find("\r\n");
            if (eol == std::string::npos) return;
            std::string line = buffer->substr(0, eol);
            std::string rest = buffer->substr(eol + 2);
            ASSERT_EQ(line, "STARTTLS");
            if (policy == PipelinedPlaintext::refuse && !rest.empty()) {
              // The protocol layer would answer an error; the library refuses anyway.
            } else {
              ASSERT_TRUE(raw->write("220 ready\r\n"));
            }
            std::unique_ptr<uv::Stream> plain = std::move(server_plain_.back());
            server_plain_.pop_back();
            TlsStreamOptions o;
            o.pipelined = policy;
            auto t = TlsStream::upgrade(*loop_, std::move(plain), ctx, rest, o);
            if (!t) {
              upgrade_errors_.push_back(t.error());
              return;
            }
            TlsStream* tls = t->get();
            server_tls_.push_back(std::move(*t));
            ASSERT_TRUE(tls->start_reading([this](std::string_view p) { tls_received_ += p; },
                                           [this](Status e) { server_ends_.push_back(e); }));
          },
          [](Status) {}));
    });
  }

  std::string tls_received_;
  std::vector<std::string> upgrade_errors_;
};

TEST_F(TlsStartTlsTest, UpgradeMidStream) {
  listen_starttls(psk_server(), PipelinedPlaintext::refuse);
  std::unique_ptr<uv::Stream> plain = connect();
  std::string reply;
  ASSERT_TRUE(plain->start_reading([&](std::string_view d) { reply += d; }, [](Status) {}));
  ASSERT_TRUE(plain->write("STARTTLS\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return contains(reply, "\r\n"); }));
  EXPECT_EQ(reply, "220 ready\r\n");
  auto client = TlsStream::upgrade(*loop_, std::move(plain), psk_client(), "");
  ASSERT_TRUE(client) << client.error();
  ASSERT_TRUE((*client)->start_reading([](std::string_view) {}, [](Status) {}));
  ASSERT_TRUE((*client)->write("MAIL FROM:<a@example.org>\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return contains(tls_received_, "\r\n"); }));
  EXPECT_EQ(tls_received_, "MAIL FROM:<a@example.org>\r\n");
  EXPECT_TRUE(upgrade_errors_.empty());
}

TEST_F(TlsStartTlsTest, PipelinedPlaintextIsRefused) {
  listen_starttls(psk_server(), PipelinedPlaintext::refuse);
  std::unique_ptr<uv::Stream> plain = connect();
  std::optional<Status> end;
  std::string reply;
  ASSERT_TRUE(plain->start_reading([&](std::string_view d) { reply += d; }, [&](Status s) { end = s; }));
  ASSERT_TRUE(plain->write("STARTTLS\r\nRCPT TO:<victim@example.org>\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return !upgrade_errors_.empty() && end; }));
  EXPECT_TRUE(contains(upgrade_errors_[0], "refusing the TLS upgrade: 30 bytes of plaintext were pipelined"))
      << upgrade_errors_[0];
  EXPECT_TRUE(end->is_ok()) << "the server closed the connection";
  EXPECT_EQ(tls_received_, "");
}

TEST_F(TlsStartTlsTest, PipelinedPlaintextIsDiscardedNotInjected) {
  listen_starttls(psk_server(), PipelinedPlaintext::discard);
  std::unique_ptr<uv::Stream> plain = connect();
  std::string reply;
  ASSERT_TRUE(plain->start_reading([&](std::string_view d) { reply += d; }, [](Status) {}));
  // The classic attack: a command pipelined in the clear right behind STARTTLS.
  ASSERT_TRUE(plain->write("STARTTLS\r\nRCPT TO:<victim@example.org>\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return contains(reply, "\r\n"); }));
  EXPECT_EQ(reply, "220 ready\r\n");
  auto client = TlsStream::upgrade(*loop_, std::move(plain), psk_client(), "");
  ASSERT_TRUE(client) << client.error();
  ASSERT_TRUE((*client)->start_reading([](std::string_view) {}, [](Status) {}));
  ASSERT_TRUE((*client)->write("MAIL FROM:<a@example.org>\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return contains(tls_received_, "\r\n"); }));
  EXPECT_EQ(tls_received_, "MAIL FROM:<a@example.org>\r\n") << "plaintext leaked into the TLS side";
  EXPECT_TRUE(upgrade_errors_.empty());
}

TEST_F(TlsStartTlsTest, PlaintextArrivingAfterTheUpgradeIsNotTls) {
  listen_starttls(psk_server(), PipelinedPlaintext::refuse);
  std::unique_ptr<uv::Stream> plain = connect();
  std::string reply;
  ASSERT_TRUE(plain->start_reading([&](std::string_view d) { reply += d; }, [](Status) {}));
  ASSERT_TRUE(plain->write("STARTTLS\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return contains(reply, "\r\n"); }));
  // A later segment in the clear, instead of a ClientHello.
  ASSERT_TRUE(plain->write("RCPT TO:<victim@example.org>\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return !server_ends_.empty(); }));
  ASSERT_FALSE(server_ends_[0]);
  EXPECT_TRUE(contains(server_ends_[0].message(), "TLS handshake failed: the peer does not speak TLS"))
      << server_ends_[0].message();
  EXPECT_EQ(tls_received_, "");
}

}  // namespace
}  // namespace hamail::tls
