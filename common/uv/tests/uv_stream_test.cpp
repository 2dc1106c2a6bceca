#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

#include "hamail/uv/stream.h"
#include "uv_test_util.h"

namespace hamail::uv {
namespace {

using testing::run_for;
using testing::run_until;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class UvStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
  }
  void TearDown() override {
    accepted_.clear();
    server_.reset();
    loop_.reset();
    if (!dir_.empty()) {
      ::rmdir(dir_.c_str());
    }
  }

  // A fresh temporary directory for unix sockets.
  std::string temp_dir() {
    std::string tmpl = "/tmp/hamail-uv-XXXXXX";
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    return dir_;
  }

  // Accepted streams echo what they read.
  StreamServer::OnConnection echo() {
    return [this](Result<std::unique_ptr<Stream>> s) {
      ASSERT_TRUE(s) << s.error();
      Stream* raw = s->get();
      accepted_.push_back(std::move(*s));
      Status st = raw->start_reading([raw](std::string_view data) { EXPECT_TRUE(raw->write(std::string(data))); },
                                     [this](Status end) { server_ends_.push_back(end); });
      EXPECT_TRUE(st) << st.message();
    };
  }

  // Connects, or fails the test; returns the connected stream.
  std::unique_ptr<Stream> connect_unix_to(const std::string& path) {
    std::unique_ptr<Stream> out;
    std::string error;
    auto pc = connect_unix(*loop_, path, [&](Result<std::unique_ptr<Stream>> s) {
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

  std::unique_ptr<Stream> connect_tcp_to(std::uint16_t port) {
    std::unique_ptr<Stream> out;
    std::string error;
    auto pc = connect_tcp(*loop_, "127.0.0.1", port, [&](Result<std::unique_ptr<Stream>> s) {
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

  // Sends `msg` and reads until the same bytes came back.
  void expect_echo(Stream& client, const std::string& msg) {
    std::string got;
    ASSERT_TRUE(client.start_reading([&](std::string_view d) { got += d; }, [](Status) {}));
    ASSERT_TRUE(client.write(msg));
    ASSERT_TRUE(run_until(*loop_, [&] { return got.size() >= msg.size(); })) << "got " << got.size() << " bytes";
    EXPECT_EQ(got, msg);
    client.pause_reading();
  }

  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<StreamServer> server_;
  std::vector<std::unique_ptr<Stream>> accepted_;
  std::vector<Status> server_ends_;
  std::string dir_;
};

TEST_F(UvStreamTest, TcpEchoOnAnEphemeralPort) {
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  ASSERT_NE(server_->local_port(), 0);
  EXPECT_EQ(server_->address(), "127.0.0.1:" + std::to_string(server_->local_port()));

  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  EXPECT_EQ(client->peer(), server_->address());
  expect_echo(*client, "hello\n");
  // A bigger message crosses several reads and writes.
  expect_echo(*client, std::string(300 * 1000, 'x'));

  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_TRUE(contains(accepted_[0]->peer(), "127.0.0.1:")) << accepted_[0]->peer();

  // The client going away is an orderly end on the server side.
  client.reset();
  ASSERT_TRUE(run_until(*loop_, [&] { return !server_ends_.empty(); }));
  EXPECT_TRUE(server_ends_[0].is_ok());
}

TEST_F(UvStreamTest, UnixEchoWithRequestedMode) {
  std::string path = temp_dir() + "/ctl.sock";
  auto server = StreamServer::listen_unix(*loop_, path, 0660, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  EXPECT_EQ(server_->address(), "unix:" + path);

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0660u);

  auto client = connect_unix_to(path);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->peer(), "unix:" + path);
  expect_echo(*client, "status\n");

  client.reset();
  server_.reset();
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "socket file left behind";
}

TEST_F(UvStreamTest, UnixStaleSocketIsReplaced) {
  std::string path = temp_dir() + "/stale.sock";
  {  // a socket file whose owner is gone
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
    ::close(fd);
  }
  auto server = StreamServer::listen_unix(*loop_, path, 0600, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_unix_to(path);
  ASSERT_TRUE(client);
  expect_echo(*client, "x");
}

TEST_F(UvStreamTest, UnixSocketInUseIsNotStolen) {
  std::string path = temp_dir() + "/busy.sock";
  auto first = StreamServer::listen_unix(*loop_, path, 0600, echo());
  ASSERT_TRUE(first) << first.error();
  server_ = std::move(*first);
  auto second = StreamServer::listen_unix(*loop_, path, 0600, echo());
  ASSERT_FALSE(second);
  EXPECT_TRUE(contains(second.error(), path + " is in use by a running process")) << second.error();
}

TEST_F(UvStreamTest, UnixPathThatIsARegularFileIsNotRemoved) {
  std::string path = temp_dir() + "/file";
  { std::ofstream(path) << "keep me"; }
  auto server = StreamServer::listen_unix(*loop_, path, 0600, echo());
  ASSERT_FALSE(server);
  EXPECT_TRUE(contains(server.error(), "exists and is not a socket")) << server.error();
  EXPECT_EQ(::unlink(path.c_str()), 0);
}

TEST_F(UvStreamTest, ConnectToAClosedPortNamesTheAddress) {
  std::uint16_t port = 0;
  {  // a port that was free a moment ago and now has no listener
    auto s = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
    ASSERT_TRUE(s) << s.error();
    port = (*s)->local_port();
  }
  std::string error;
  bool called = false;
  auto pc = connect_tcp(*loop_, "127.0.0.1", port, [&](Result<std::unique_ptr<Stream>> s) {
    called = true;
    if (!s) error = s.error();
  });
  ASSERT_TRUE(pc) << pc.error();
  ASSERT_TRUE(run_until(*loop_, [&] { return called; }));
  EXPECT_EQ(error, "connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST_F(UvStreamTest, ConnectToAMissingUnixSocketNamesThePath) {
  std::string path = temp_dir() + "/nobody.sock";
  std::string error;
  auto pc = connect_unix(*loop_, path, [&](Result<std::unique_ptr<Stream>> s) { error = s ? "connected" : s.error(); });
  ASSERT_TRUE(pc) << pc.error();
  ASSERT_TRUE(run_until(*loop_, [&] { return !error.empty(); }));
  EXPECT_EQ(error, "connect to unix:" + path + ": no such file or directory");
}

TEST_F(UvStreamTest, MalformedAddressesAreRejectedAtOnce) {
  auto pc = connect_tcp(*loop_, "node2.example", 7789, [](Result<std::unique_ptr<Stream>>) { FAIL(); });
  ASSERT_FALSE(pc);
  EXPECT_TRUE(contains(pc.error(), "invalid address 'node2.example'")) << pc.error();
  auto server = StreamServer::listen_tcp(*loop_, "300.1.1.1", 0, echo());
  ASSERT_FALSE(server);
  EXPECT_TRUE(contains(server.error(), "'300.1.1.1'")) << server.error();
  auto long_path = connect_unix(*loop_, "/tmp/" + std::string(200, 'a'), [](Result<std::unique_ptr<Stream>>) {});
  ASSERT_FALSE(long_path);
  EXPECT_TRUE(contains(long_path.error(), "too long")) << long_path.error();
}

TEST_F(UvStreamTest, ListeningOnAPortInUseNamesIt) {
  auto first = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(first) << first.error();
  server_ = std::move(*first);
  auto second = StreamServer::listen_tcp(*loop_, "127.0.0.1", server_->local_port(), echo());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), "cannot listen on " + server_->address() + ": address already in use");
}

// dnsd listens on 0.0.0.0 and [::] with one port: the IPv6 one must not claim IPv4 too.
// (Wildcard addresses: bound for a moment, nothing connects.)
TEST_F(UvStreamTest, Ipv6OnlyListenerSharesThePortWithAnIpv4One) {
  auto v4 = StreamServer::listen_tcp(*loop_, "0.0.0.0", 0, echo());
  ASSERT_TRUE(v4) << v4.error();
  auto dual = StreamServer::listen_tcp(*loop_, "::", (*v4)->local_port(), echo());
  if (dual) GTEST_SKIP() << "IPv6 sockets are IPv6-only by default here (net.ipv6.bindv6only=1)";
  auto v6 = StreamServer::listen_tcp(*loop_, "::", (*v4)->local_port(), echo(), /*ipv6_only=*/true);
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ((*v6)->local_port(), (*v4)->local_port());
}

TEST_F(UvStreamTest, CancelledConnectDoesNotCallBack) {
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  bool called = false;
  auto pc =
      connect_tcp(*loop_, "127.0.0.1", server_->local_port(), [&](Result<std::unique_ptr<Stream>>) { called = true; });
  ASSERT_TRUE(pc) << pc.error();
  pc->reset();
  run_for(*loop_, 50);
  EXPECT_FALSE(called);
}

TEST_F(UvStreamTest, WriteQueueLimitIsAnErrorNotGrowth) {
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  client->set_write_limit(1000);

  // Completed writes are only counted off when the loop runs, so both stay queued here.
  ASSERT_TRUE(client->write(std::string(600, 'a')));
  EXPECT_EQ(client->pending_write_bytes(), 600u);
  Status st = client->write(std::string(600, 'b'));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "write to " + client->peer() +
                              ": write queue full (600 bytes pending, 600 more would exceed the limit of 1000)");
  EXPECT_EQ(client->pending_write_bytes(), 600u);
  EXPECT_FALSE(client->write(std::string(2000, 'c')));

  ASSERT_TRUE(run_until(*loop_, [&] { return client->pending_write_bytes() == 0; }));
  EXPECT_TRUE(client->write(std::string(600, 'd')));
}

TEST_F(UvStreamTest, OnWrittenFollowsEachCompletedWriteAndNotAClose) {
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  std::vector<std::size_t> pending_seen;
  client->set_on_written([&] { pending_seen.push_back(client->pending_write_bytes()); });
  ASSERT_TRUE(client->write(std::string(600, 'a')));
  ASSERT_TRUE(client->write(std::string(400, 'b')));
  ASSERT_TRUE(run_until(*loop_, [&] { return pending_seen.size() == 2; }));
  EXPECT_EQ(pending_seen, (std::vector<std::size_t>{400, 0}));

  // Closed with a write queued: no callback (the owner may be gone).
  ASSERT_TRUE(client->write(std::string(100, 'c')));
  client->close();
  run_for(*loop_, 20);
  EXPECT_EQ(pending_seen.size(), 2u);
}

TEST_F(UvStreamTest, ShutdownDeliversQueuedDataThenEof) {
  std::unique_ptr<Stream> accepted;
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, [&](Result<std::unique_ptr<Stream>> s) {
    ASSERT_TRUE(s) << s.error();
    accepted = std::move(*s);
    EXPECT_TRUE(accepted->write("bye\n"));
    EXPECT_TRUE(accepted->shutdown());
    EXPECT_FALSE(accepted->write("late"));
  });
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  std::string got;
  std::optional<Status> end;
  ASSERT_TRUE(client->start_reading([&](std::string_view d) { got += d; }, [&](Status s) { end = s; }));
  ASSERT_TRUE(run_until(*loop_, [&] { return end.has_value(); }));
  EXPECT_EQ(got, "bye\n");
  EXPECT_TRUE(end->is_ok());
}

// write_at_once: what the kernel takes is never queued (no on_written for it); only the
// rest waits and is reported; queued bytes still go out before the half-close.
TEST_F(UvStreamTest, WriteAtOnceQueuesOnlyWhatTheKernelLeaves) {
  std::unique_ptr<Stream> accepted;
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, [&](Result<std::unique_ptr<Stream>> s) {
    ASSERT_TRUE(s) << s.error();
    accepted = std::move(*s);
  });
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(run_until(*loop_, [&] { return accepted != nullptr; }));
  accepted->set_write_at_once(true);
  accepted->set_write_limit(64u << 20);
  int written = 0;
  accepted->set_on_written([&] { ++written; });

  ASSERT_TRUE(accepted->write("hello"));
  EXPECT_EQ(accepted->pending_write_bytes(), 0u);  // without write_at_once: 5, until the loop runs
  // The client reads nothing yet: 16 MiB fill the socket buffers and the rest is queued.
  const std::string big(16u << 20, 'x');
  ASSERT_TRUE(accepted->write(big));
  std::size_t queued = accepted->pending_write_bytes();
  EXPECT_GT(queued, 0u);
  EXPECT_LT(queued, big.size());
  run_for(*loop_, 10);
  EXPECT_EQ(written, 0);
  ASSERT_TRUE(accepted->shutdown());
  EXPECT_FALSE(accepted->write("late"));

  std::size_t got = 0;
  std::string head;
  std::optional<Status> end;
  ASSERT_TRUE(client->start_reading(
      [&](std::string_view d) {
        if (head.size() < 5) head += d.substr(0, 5 - head.size());
        got += d.size();
      },
      [&](Status s) { end = s; }));
  ASSERT_TRUE(run_until(*loop_, [&] { return end.has_value(); }));
  EXPECT_TRUE(end->is_ok());
  EXPECT_EQ(head, "hello");
  EXPECT_EQ(got, 5 + big.size());
  EXPECT_EQ(written, 1);
  EXPECT_EQ(accepted->pending_write_bytes(), 0u);
}

// With nothing queued, write_at_once half-closes at once: the peer reads the bytes and
// EOF before the loop runs again (uv_shutdown would wait for the loop's next turn).
TEST_F(UvStreamTest, WriteAtOnceShutdownIsImmediateWhenNothingIsQueued) {
  std::unique_ptr<Stream> accepted;
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, [&](Result<std::unique_ptr<Stream>> s) {
    ASSERT_TRUE(s) << s.error();
    accepted = std::move(*s);
  });
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(run_until(*loop_, [&] { return accepted != nullptr; }));
  accepted->set_write_at_once(true);
  ASSERT_TRUE(accepted->write("bye\n"));
  ASSERT_TRUE(accepted->shutdown());
  EXPECT_FALSE(accepted->write("late"));
  char buf[16];
  EXPECT_EQ(::recv(client->fd(), buf, sizeof buf, MSG_DONTWAIT), 4);
  EXPECT_EQ(std::string(buf, 4), "bye\n");
  EXPECT_EQ(::recv(client->fd(), buf, sizeof buf, MSG_DONTWAIT), 0);  // EOF, not EAGAIN
}

// Small replies go out at once: accepted sockets have TCP_NODELAY (from the listener).
TEST_F(UvStreamTest, AcceptedTcpStreamsHaveNoDelay) {
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(run_until(*loop_, [&] { return accepted_.size() == 1; }));
  int on = 0;
  socklen_t len = sizeof on;
  ASSERT_EQ(::getsockopt(accepted_[0]->fd(), IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
  EXPECT_EQ(on, 1);
}

TEST_F(UvStreamTest, ClosedStreamRefusesWrites) {
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->write("queued, then dropped"));
  client->close();
  EXPECT_FALSE(client->is_open());
  Status st = client->write("x");
  ASSERT_FALSE(st);
  EXPECT_TRUE(contains(st.message(), "stream is closed")) << st.message();
}

TEST_F(UvStreamTest, StreamsOutlivingTheLoopBecomeInert) {
  auto server = StreamServer::listen_tcp(*loop_, "127.0.0.1", 0, echo());
  ASSERT_TRUE(server) << server.error();
  server_ = std::move(*server);
  auto client = connect_tcp_to(server_->local_port());
  ASSERT_TRUE(client);
  ASSERT_TRUE(run_until(*loop_, [&] { return accepted_.size() == 1; }));
  loop_.reset();
  EXPECT_FALSE(client->is_open());
  EXPECT_FALSE(client->write("x"));
}

}  // namespace
}  // namespace hamail::uv
