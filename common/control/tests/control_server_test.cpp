// ControlServer over a real unix socket: bad lines and handlers that throw get an error
// answer, and the server keeps serving.
#include "hamail/control/control_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

#include "hamail/uv/stream.h"
#include "uv_test_util.h"

namespace hamail {
namespace {

using nlohmann::json;

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/control-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    auto loop = uv::EventLoop::create();
    ASSERT_TRUE(loop) << loop.error();
    loop_ = std::move(*loop);
    auto srv = ControlServer::listen(*loop_, log_, dir_ + "/ctl.sock", [](const json& req, ControlSession&) -> std::optional<json> {
      if (req["cmd"] == "throw") throw std::runtime_error("type_error: boom");
      return json{{"ok", true}, {"cmd", req["cmd"]}};
    });
    ASSERT_TRUE(srv) << srv.error();
    server_ = std::move(*srv);
  }
  void TearDown() override {
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
  EXPECT_EQ(json::parse(ask(R"({"cmd":"status"})")), (json{{"ok", true}, {"cmd", "status"}}));
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
