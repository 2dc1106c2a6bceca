// ControlServer over a real unix socket: bad lines and handlers that throw get an error
// answer, and the server keeps serving.
#include "hamail/control/control_server.h"

#include <gtest/gtest.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

#include "hamail/uv/stream.h"
#include "uv_test_util.h"

namespace hamail {
namespace {

using nlohmann::json;

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(ControlAccess access, ControlLimits limits = {}) {
    char dir[] = "/tmp/control-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
    auto srv = ControlServer::listen(
        *loop_, log_, dir_ + "/ctl.sock",
        [](const json& req, ControlSession& s) -> std::optional<json> {
          if (req["cmd"] == "throw") throw std::runtime_error("type_error: boom");
          if (req["cmd"] == "follow") s.subscribe();
          if (req["cmd"] == "latin1") return json{{"ok", true}, {"name", std::string("caf\xe9")}};
          return json{{"ok", true}, {"cmd", req["cmd"]}, {"user", s.peer().user}};
        },
        std::move(access), limits);
    ASSERT_TRUE(srv) << srv.error();
    server_ = std::move(*srv);
  }
  void TearDown() override { stop(); }
  void stop() {
    server_.reset();
    ::unlink((dir_ + "/ctl.sock").c_str());
    ::rmdir(dir_.c_str());
  }

  // Sends `line` on a fresh connection and returns the reply line.
  std::string ask(const std::string& line) {
    std::unique_ptr<uv::Stream> stream;
    std::string got;
    auto pending = uv::connect_unix(*loop_, dir_ + "/ctl.sock", [&](Result<std::unique_ptr<uv::Stream>> s) {
      if (!s) return;
      stream = std::move(*s);
      (void)stream->start_reading([&](std::string_view d) { got.append(d); }, [](Status) {});
      (void)stream->write(line + "\n");
    });
    EXPECT_TRUE(pending);
    EXPECT_TRUE(uv::testing::run_until(*loop_, [&] { return got.find('\n') != std::string::npos; }));
    return got.substr(0, got.find('\n'));
  }

  Logger log_{"control-test", LogLevel::error};
  std::string dir_;
  std::unique_ptr<uv::EventLoop> loop_;
  std::unique_ptr<ControlServer> server_;
};

TEST_F(ControlServerTest, AnswersRequests) {
  EXPECT_EQ(json::parse(ask(R"({"cmd":"status"})")), (json{{"ok", true}, {"cmd", "status"}, {"user", "root"}}));
}

// As another user (needs root to switch): a forked child drops to nobody:nogroup, connects
// and sends `requests`, one connection each; returns the reply lines.
std::vector<std::string> ask_as_nobody(uv::EventLoop& loop, const std::string& sock, std::vector<std::string> requests) {
  int out[2];
  EXPECT_EQ(::pipe(out), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(out[0]);
    struct passwd* pw = ::getpwnam("nobody");
    if (!pw || ::setgroups(0, nullptr) != 0 || ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) ::_exit(3);
    for (const auto& r : requests) {
      int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un a{};
      a.sun_family = AF_UNIX;
      std::snprintf(a.sun_path, sizeof a.sun_path, "%s", sock.c_str());
      std::string got;
      if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        got = std::string("connect: ") + std::strerror(errno);
      } else {
        std::string line = r + "\n";
        (void)!::write(fd, line.data(), line.size());
        char buf[4096];
        ssize_t n;
        while (got.find('\n') == std::string::npos && (n = ::read(fd, buf, sizeof buf)) > 0) got.append(buf, n);
        got = got.substr(0, got.find('\n'));
      }
      got += "\n";
      (void)!::write(out[1], got.data(), got.size());
      ::close(fd);
    }
    ::_exit(0);
  }
  ::close(out[1]);
  int status = -1;
  bool reaped = false;
  uv::Timer wake(loop);  // the child's exit wakes no loop handle: look every 10 ms
  wake.start(10, [] {}, 10);
  EXPECT_TRUE(uv::testing::run_until(loop, [&] { return reaped || (reaped = ::waitpid(pid, &status, WNOHANG) == pid); }, 10000));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the client as nobody failed: " << status;
  std::string all;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof buf)) > 0) all.append(buf, n);
  ::close(out[0]);
  std::vector<std::string> lines;
  for (std::size_t p = 0, nl; (nl = all.find('\n', p)) != std::string::npos; p = nl + 1) lines.push_back(all.substr(p, nl - p));
  return lines;
}

TEST_F(ControlServerTest, ReadersReadAdminsAct) {
  if (::geteuid() != 0 || !::getpwnam("nobody") || !::getgrnam("nogroup")) GTEST_SKIP() << "needs root and nobody:nogroup";
  stop();
  start(ControlAccess{"root", "nogroup"});
  ::chmod(dir_.c_str(), 0755);
  auto replies = ask_as_nobody(*loop_, dir_ + "/ctl.sock", {R"({"cmd":"status"})", R"({"cmd":"switchover"})"});
  ASSERT_EQ(replies.size(), 2u);
  json status = json::parse(replies[0]);
  EXPECT_EQ(status["ok"], true) << replies[0];
  EXPECT_EQ(status["user"], "nobody");
  json refused = json::parse(replies[1]);
  EXPECT_EQ(refused["ok"], false);
  EXPECT_EQ(refused["error"].get<std::string>().rfind("permission denied: 'switchover' needs the admin group 'root' (user nobody", 0), 0u)
      << replies[1];
}

TEST_F(ControlServerTest, StrangersAreRefused) {
  if (::geteuid() != 0 || !::getpwnam("nobody")) GTEST_SKIP() << "needs root and nobody";
  ::chmod(dir_.c_str(), 0755);
  ::chmod((dir_ + "/ctl.sock").c_str(), 0666);  // past the file mode: the credentials check still refuses
  auto replies = ask_as_nobody(*loop_, dir_ + "/ctl.sock", {R"({"cmd":"status"})"});
  ASSERT_EQ(replies.size(), 1u);
  json r = json::parse(replies[0]);
  EXPECT_EQ(r["ok"], false);
  EXPECT_NE(r["error"].get<std::string>().find("is not in group 'root'"), std::string::npos) << replies[0];
}

TEST_F(ControlServerTest, IdleClientsAreClosedFollowersAreNot) {
  stop();
  ControlLimits limits;
  limits.idle_timeout_ms = 200;
  start({}, limits);
  std::unique_ptr<uv::Stream> idle;
  bool ended = false;
  auto pending = uv::connect_unix(*loop_, dir_ + "/ctl.sock", [&](Result<std::unique_ptr<uv::Stream>> s) {
    ASSERT_TRUE(s);
    idle = std::move(*s);
    (void)idle->start_reading([](std::string_view) {}, [&](Status) { ended = true; });
  });
  ASSERT_TRUE(pending);
  std::unique_ptr<uv::Stream> follower;
  bool follower_ended = false;
  std::string follower_got;
  auto pending2 = uv::connect_unix(*loop_, dir_ + "/ctl.sock", [&](Result<std::unique_ptr<uv::Stream>> s) {
    ASSERT_TRUE(s);
    follower = std::move(*s);
    (void)follower->start_reading([&](std::string_view d) { follower_got.append(d); }, [&](Status) { follower_ended = true; });
    (void)follower->write("{\"cmd\":\"follow\"}\n");
  });
  ASSERT_TRUE(pending2);
  EXPECT_TRUE(uv::testing::run_until(*loop_, [&] { return ended; }, 3000)) << "an idle client was kept";
  uv::testing::run_for(*loop_, 600);  // three idle timeouts more
  EXPECT_FALSE(follower_ended) << "a client following events was closed as idle";
  server_->publish(json{{"event", "x"}});
  EXPECT_TRUE(uv::testing::run_until(*loop_, [&] { return follower_got.find("\"event\"") != std::string::npos; }));
}

TEST_F(ControlServerTest, TextThatIsNotUtf8IsReplacedNotFatal) {
  json reply = json::parse(ask(R"({"cmd":"latin1"})"));
  EXPECT_EQ(reply["name"], "caf\xef\xbf\xbd");  // U+FFFD
}

TEST_F(ControlServerTest, MalformedLinesGetAnErrorAnswer) {
  for (const char* bad : {"not json", "[1,2]", R"({"nocmd":1})", R"({"cmd":5})"}) {
    json reply = json::parse(ask(bad));
    EXPECT_EQ(reply["ok"], false) << bad;
    EXPECT_NE(reply["error"].get<std::string>().find("bad request"), std::string::npos) << bad;
  }
}

TEST_F(ControlServerTest, AnOverlongRequestIsAnsweredNotDropped) {
  json reply = json::parse(ask(std::string(100000, 'x')));
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"], "bad request: longer than 65536 bytes");
  EXPECT_EQ(json::parse(ask(R"({"cmd":"status"})"))["ok"], true);
}

TEST_F(ControlServerTest, AHandlerThatThrowsIsAnErrorAnswerAndTheServerGoesOn) {
  json reply = json::parse(ask(R"({"cmd":"throw"})"));
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"], "internal error: type_error: boom");
  EXPECT_EQ(json::parse(ask(R"({"cmd":"status"})"))["ok"], true);
}

}  // namespace
}  // namespace hamail
