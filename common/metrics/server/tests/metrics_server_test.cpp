// MetricsServer's bounds on a real loop: a request that arrives in pieces, a client that
// never sends one (closed at the read timeout), and the connection limit (one more is
// closed unanswered while the others stay open; a place is free again when its client closes).
#include "hamail/metrics/metrics_server.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "uv_test_util.h"

namespace hamail::metrics {
namespace {

using uv::testing::run_until;

// One client connection: what it received and whether the server ended it.
struct Client {
  std::unique_ptr<uv::PendingConnect> pending;
  std::unique_ptr<uv::Stream> stream;
  std::string received;
  bool ended = false;
};

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
    log_.set_stderr(false);
  }
  void TearDown() override {
    clients_.clear();
    server_.reset();
    loop_.reset();
  }

  void listen(ServerLimits limits) {
    auto s = MetricsServer::listen(*loop_, log_, {"127.0.0.1", 0}, [this] {
      ++scrapes_;
      return std::string("up 1\n");
    }, limits);
    ASSERT_TRUE(s) << s.error();
    server_ = std::move(*s);
  }

  Client& connect() {
    clients_.push_back(std::make_unique<Client>());
    Client* c = clients_.back().get();
    auto p = uv::connect_tcp(*loop_, "127.0.0.1", server_->local_port(), [c](Result<std::unique_ptr<uv::Stream>> s) {
      ASSERT_TRUE(s) << s.error();
      c->stream = std::move(*s);
      EXPECT_TRUE(c->stream->start_reading([c](std::string_view d) { c->received += d; },
                                           [c](Status) { c->ended = true; }));
    });
    EXPECT_TRUE(p) << p.error();
    if (p) c->pending = std::move(*p);
    EXPECT_TRUE(run_until(*loop_, [c] { return c->stream != nullptr; }));
    return *c;
  }

  Logger log_{"metrics-test"};
  std::unique_ptr<uv::EventLoop> loop_;
  std::unique_ptr<MetricsServer> server_;
  std::vector<std::unique_ptr<Client>> clients_;
  int scrapes_ = 0;
};

TEST_F(MetricsServerTest, ARequestInPiecesIsAnsweredOnceComplete) {
  listen({});
  Client& c = connect();
  ASSERT_TRUE(c.stream->write("GET /met"));
  ASSERT_TRUE(run_until(*loop_, [&] { return server_->open_connections() == 1; }));
  ASSERT_TRUE(c.stream->write("rics HTTP/1.1\r\nHost: x\r\n"));
  ASSERT_TRUE(c.stream->write("\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return c.ended; }));
  EXPECT_TRUE(c.received.starts_with("HTTP/1.1 200 OK\r\n")) << c.received;
  EXPECT_TRUE(c.received.ends_with("\r\n\r\nup 1\n")) << c.received;
  EXPECT_EQ(scrapes_, 1);
}

TEST_F(MetricsServerTest, AClientThatSendsNothingIsClosedAtTheReadTimeout) {
  listen({.read_timeout_ms = 100});
  Client& c = connect();
  ASSERT_TRUE(run_until(*loop_, [&] { return c.ended; }, 5000));
  EXPECT_TRUE(c.received.empty());
  EXPECT_EQ(server_->open_connections(), 0u);
  EXPECT_EQ(scrapes_, 0);
}

TEST_F(MetricsServerTest, ConnectionsBeyondTheLimitAreClosedUnanswered) {
  listen({.max_connections = 2});
  Client& a = connect();
  Client& b = connect();
  ASSERT_TRUE(run_until(*loop_, [&] { return server_->open_connections() == 2; }));
  Client& extra = connect();
  ASSERT_TRUE(run_until(*loop_, [&] { return extra.ended; }));
  EXPECT_TRUE(extra.received.empty());
  EXPECT_FALSE(a.ended);
  EXPECT_FALSE(b.ended);
  ASSERT_TRUE(a.stream->write("GET /metrics HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return a.ended; }));
  EXPECT_TRUE(a.received.starts_with("HTTP/1.1 200 OK\r\n")) << a.received;
  a.stream.reset();  // the server answered and shut down its side; a's place is free once a closes
  ASSERT_TRUE(run_until(*loop_, [&] { return server_->open_connections() == 1; }));
  Client& next = connect();
  ASSERT_TRUE(next.stream->write("HEAD /metrics HTTP/1.1\r\n\r\n"));
  ASSERT_TRUE(run_until(*loop_, [&] { return next.ended; }));
  EXPECT_TRUE(next.received.starts_with("HTTP/1.1 200 OK\r\n")) << next.received;
  EXPECT_TRUE(next.received.ends_with("\r\n\r\n")) << "HEAD: no body\n" << next.received;
}

}  // namespace
}  // namespace hamail::metrics
