#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "hamail/tls/self_signed.h"
#include "hamail/tls/tls_stream.h"
#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/mailsvc/daemon/client_stream.h"
#include "../../store/tests/temp_dir.h"
#include "uv_test_util.h"

namespace hamail::mailsvc::daemon {
namespace {

using uv::testing::run_until;

// A server-side ClientStream and the client's end of the same loopback connection.
class ClientStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
    tls::SelfSignedOptions o;
    o.cert_path = dir_ / "cert.pem";
    o.key_path = dir_ / "key.pem";
    ASSERT_TRUE(tls::generate_self_signed(o));
    auto server_ctx = tls::TlsContext::cert_server(o.cert_path, o.key_path);
    ASSERT_TRUE(server_ctx) << server_ctx.error();
    server_ctx_ = std::make_unique<tls::TlsContext>(*server_ctx);
    auto client_ctx = tls::TlsContext::cert_client(false);
    ASSERT_TRUE(client_ctx) << client_ctx.error();
    client_ctx_ = std::make_unique<tls::TlsContext>(*client_ctx);
  }

  // Connects a client; the accepted stream becomes `server_` (write limit `limit`).
  void connect(std::size_t limit = uv::Stream::kDefaultWriteLimit) {
    auto listener = uv::StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, [&](Result<std::unique_ptr<uv::Stream>> s) {
      ASSERT_TRUE(s) << s.error();
      server_ = std::make_unique<ClientStream>(*loop_, *server_ctx_, std::move(*s), limit);
    });
    ASSERT_TRUE(listener) << listener.error();
    listener_ = std::move(*listener);
    auto p = uv::connect_tcp(*loop_, "127.0.0.1", listener_->local_port(), [&](Result<std::unique_ptr<uv::Stream>> s) {
      ASSERT_TRUE(s) << s.error();
      client_plain_ = std::move(*s);
    });
    ASSERT_TRUE(p) << p.error();
    pending_ = std::move(*p);
    ASSERT_TRUE(run_until(*loop_, [&] { return server_ && client_plain_; }));
  }

  void client_tls(std::unique_ptr<tls::TlsStream> t) {
    client_tls_ = std::move(t);
    ASSERT_TRUE(client_tls_->start_reading([&](std::string_view d) { client_got_ += d; }, [&](Status) {}));
  }

  mailsvc::testing::TempDir dir_;
  std::unique_ptr<uv::EventLoop> loop_;
  std::unique_ptr<tls::TlsContext> server_ctx_, client_ctx_;
  std::unique_ptr<uv::StreamServer> listener_;
  std::unique_ptr<uv::PendingConnect> pending_;
  std::unique_ptr<ClientStream> server_;
  std::unique_ptr<uv::Stream> client_plain_;
  std::unique_ptr<tls::TlsStream> client_tls_;
  std::string server_got_, client_got_;
  Status server_end_ = Error{"not ended"};
};

TEST_F(ClientStreamTest, StartTlsUpgradesTheConnectionInPlace) {
  connect();
  bool handshake = false;
  ASSERT_TRUE(server_->start(
      ListenerTls::starttls,
      [&](std::string_view d) {
        server_got_ += d;
        if (server_got_ == "STARTTLS\r\n") {
          ASSERT_TRUE(server_->write("220 go ahead\r\n"));
          ASSERT_TRUE(server_->start_tls([&] { handshake = true; }));
        }
      },
      [&](Status s) { server_end_ = s; }));
  ASSERT_TRUE(client_plain_->start_reading([&](std::string_view d) { client_got_ += d; }, [](Status) {}));
  ASSERT_TRUE(client_plain_->write("STARTTLS\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return client_got_ == "220 go ahead\r\n"; })) << client_got_;
  EXPECT_TRUE(server_->encrypted());
  EXPECT_FALSE(server_->start_tls({})) << "a second STARTTLS is refused";

  client_got_.clear();
  auto t = tls::TlsStream::upgrade(*loop_, std::move(client_plain_), *client_ctx_, {});
  ASSERT_TRUE(t) << t.error();
  client_tls(std::move(*t));
  ASSERT_TRUE(client_tls_->write("NOOP\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return server_got_ == "STARTTLS\r\nNOOP\r\n"; })) << server_got_;
  EXPECT_TRUE(handshake);
  EXPECT_NE(server_->tls_description().find("TLSv1."), std::string::npos) << server_->tls_description();
  ASSERT_TRUE(server_->write("250 ok\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return client_got_ == "250 ok\r\n"; })) << client_got_;
}

TEST_F(ClientStreamTest, ImplicitTlsStartsWithTheHandshake) {
  connect();
  ASSERT_TRUE(server_->start(
      ListenerTls::implicit, [&](std::string_view d) { server_got_ += d; }, [&](Status s) { server_end_ = s; }));
  EXPECT_TRUE(server_->encrypted());
  auto t = tls::TlsStream::start(*loop_, std::move(client_plain_), *client_ctx_);
  ASSERT_TRUE(t) << t.error();
  client_tls(std::move(*t));
  ASSERT_TRUE(server_->write("+OK ready\r\n"));
  ASSERT_TRUE(client_tls_->write("CAPA\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return client_got_ == "+OK ready\r\n" && server_got_ == "CAPA\r\n"; }))
      << client_got_ << server_got_;

  // shutdown: close_notify after the queued bytes; the client's close ends the server's side cleanly.
  ASSERT_TRUE(server_->shutdown());
  ASSERT_TRUE(client_tls_->shutdown());
  ASSERT_TRUE(run_until(*loop_, [&] { return server_end_.is_ok(); })) << server_end_.message();
}

TEST_F(ClientStreamTest, PausedReadingDeliversNothingUntilResumed) {
  connect();
  ASSERT_TRUE(server_->start(
      ListenerTls::starttls, [&](std::string_view d) { server_got_ += d; }, [&](Status s) { server_end_ = s; }));
  server_->pause_reading();
  ASSERT_TRUE(client_plain_->write("USER alice\r\n"));
  uv::testing::run_for(*loop_, 100);
  EXPECT_EQ(server_got_, "");
  ASSERT_TRUE(server_->resume_reading());
  ASSERT_TRUE(run_until(*loop_, [&] { return server_got_ == "USER alice\r\n"; })) << server_got_;
}

TEST_F(ClientStreamTest, AWriteBeyondTheLimitFailsAndQueuesNothing) {
  connect(1024);
  ASSERT_TRUE(server_->start(ListenerTls::starttls, [](std::string_view) {}, [&](Status s) { server_end_ = s; }));
  Status s = server_->write(std::string(4096, 'x'));
  EXPECT_FALSE(s);
  EXPECT_NE(s.message().find("limit"), std::string::npos) << s.message();
  server_->close();
  EXPECT_FALSE(server_->write("late\r\n"));
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
