#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hamail/uv/event_loop.h"
#include "hamail/uv/stream.h"
#include "hamail/mailsvc/daemon/server.h"
#include "uv_test_util.h"

namespace hamail::mailsvc::daemon {
namespace {

using uv::testing::run_until;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Greets with its kind and id, then waits until the test says it is done.
class GreetingConnection : public Connection {
 public:
  GreetingConnection(std::string greeting, std::unique_ptr<uv::Stream> stream, OnDone done, int* destroyed)
      : greeting_(std::move(greeting)), stream_(std::move(stream)), done_(std::move(done)), destroyed_(destroyed) {}
  ~GreetingConnection() override { ++*destroyed_; }
  void start() override { (void)stream_->write(greeting_); }
  void finish() { done_(); }

 private:
  std::string greeting_;
  std::unique_ptr<uv::Stream> stream_;
  OnDone done_;
  int* destroyed_;
};

// A client on the test's loop that keeps what it receives.
struct Client {
  std::unique_ptr<uv::PendingConnect> pending;
  std::unique_ptr<uv::Stream> stream;
  std::string received;
  bool ended = false;
};

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : log_("test") {
    log_.set_stderr(false);
    log_.set_capture(&lines_);
    auto loop = uv::EventLoop::create();
    EXPECT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
  }

  std::unique_ptr<Server> make_server(std::size_t max_connections) {
    return std::make_unique<Server>(
        *loop_, log_, max_connections, "busy\r\n",
        [this](const Listener& l, std::unique_ptr<uv::Stream> s, std::uint64_t id, Connection::OnDone done) {
          auto c = std::make_unique<GreetingConnection>(l.kind + " " + std::to_string(id) + "\r\n", std::move(s),
                                                        std::move(done), &destroyed_);
          made_[id] = c.get();
          return c;
        });
  }

  Client& connect(std::uint16_t port) {
    auto c = std::make_unique<Client>();
    Client* raw = c.get();
    auto p = uv::connect_tcp(*loop_, "127.0.0.1", port, [raw](Result<std::unique_ptr<uv::Stream>> s) {
      if (!s) return;
      raw->stream = std::move(*s);
      (void)raw->stream->start_reading([raw](std::string_view d) { raw->received += d; },
                                       [raw](Status) { raw->ended = true; });
    });
    EXPECT_TRUE(p) << p.error();
    if (p) c->pending = std::move(*p);
    clients_.push_back(std::move(c));
    return *raw;
  }

  Logger log_;
  std::vector<std::string> lines_;
  std::unique_ptr<uv::EventLoop> loop_;
  std::map<std::uint64_t, GreetingConnection*> made_;
  int destroyed_ = 0;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(ServerTest, AcceptsOnEveryListenerWithItsKind) {
  auto server = make_server(10);
  Status s = server->listen({{"mx", ListenerTls::starttls, "127.0.0.1", 0},
                             {"submissions", ListenerTls::implicit, "127.0.0.1", 0}});
  ASSERT_TRUE(s) << s.message();
  Client& a = connect(server->local_port(0));
  ASSERT_TRUE(run_until(*loop_, [&] { return a.received == "mx 1\r\n"; })) << a.received;
  Client& b = connect(server->local_port(1));
  ASSERT_TRUE(run_until(*loop_, [&] { return b.received == "submissions 2\r\n"; })) << b.received;
  EXPECT_EQ(server->connection_count(), 2u);
  ASSERT_GE(lines_.size(), 2u);
  EXPECT_TRUE(has(lines_[0], "event=listening kind=mx tls=starttls address=127.0.0.1:")) << lines_[0];
  EXPECT_TRUE(has(lines_[1], "event=listening kind=submissions tls=implicit")) << lines_[1];
}

TEST_F(ServerTest, AFinishedConnectionIsDestroyedOnTheNextLoopTurnNotInsideItsCallback) {
  auto server = make_server(10);
  ASSERT_TRUE(server->listen({{"mx", ListenerTls::starttls, "127.0.0.1", 0}}));
  Client& a = connect(server->local_port(0));
  ASSERT_TRUE(run_until(*loop_, [&] { return server->connection_count() == 1; }));
  made_.at(1)->finish();
  EXPECT_EQ(destroyed_, 0) << "destroyed inside its own done callback";
  ASSERT_TRUE(run_until(*loop_, [&] { return destroyed_ == 1; }));
  EXPECT_EQ(server->connection_count(), 0u);
  ASSERT_TRUE(run_until(*loop_, [&] { return a.ended; })) << "the client sees the connection close";
}

TEST_F(ServerTest, BeyondMaxConnectionsAClientGetsTheBusyReplyAndIsClosed) {
  auto server = make_server(2);
  ASSERT_TRUE(server->listen({{"mx", ListenerTls::starttls, "127.0.0.1", 0}}));
  std::uint16_t port = server->local_port(0);
  connect(port);
  Client& b = connect(port);
  ASSERT_TRUE(run_until(*loop_, [&] { return server->connection_count() == 2 && !b.received.empty(); }));
  Client& c = connect(port);
  ASSERT_TRUE(run_until(*loop_, [&] { return c.ended; }));
  EXPECT_EQ(c.received, "busy\r\n");
  EXPECT_EQ(server->connection_count(), 2u);
  EXPECT_TRUE(has(lines_.back(), "event=too_many_connections")) << lines_.back();
  EXPECT_TRUE(has(lines_.back(), "limit=2")) << lines_.back();

  // A place frees up: the next client is served again.
  made_.at(1)->finish();
  ASSERT_TRUE(run_until(*loop_, [&] { return server->connection_count() == 1; }));
  Client& d = connect(port);
  ASSERT_TRUE(run_until(*loop_, [&] { return d.received == "mx 3\r\n"; })) << d.received;
  EXPECT_FALSE(b.ended) << "the other served client stays";
}

TEST_F(ServerTest, APortInUseIsAnErrorNamingTheListenerAndAddress) {
  auto taken = uv::StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, [](auto) {});
  ASSERT_TRUE(taken) << taken.error();
  std::uint16_t port = (*taken)->local_port();
  auto server = make_server(10);
  Status s = server->listen({{"mx", ListenerTls::starttls, "127.0.0.1", 0},
                             {"submission", ListenerTls::starttls, "127.0.0.1", port}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "submission listener: cannot listen on 127.0.0.1:" + std::to_string(port) +
                             ": address already in use");
}

TEST_F(ServerTest, AnAddressThatIsNoIpIsNamed) {
  auto server = make_server(10);
  Status s = server->listen({{"mx", ListenerTls::starttls, "mail.example.org", 25}});
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "mx listener: cannot listen: invalid address 'mail.example.org'")) << s.message();
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
