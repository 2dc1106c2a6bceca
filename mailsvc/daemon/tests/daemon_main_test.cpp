#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <string>
#include <vector>

#include "hamail/uv/timer.h"
#include "hamail/mailsvc/daemon/daemon_main.h"
#include "uv_test_util.h"

namespace hamail::mailsvc::daemon {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class DaemonMainTest : public ::testing::Test {
 protected:
  DaemonMainTest() : main_("maild", "a test daemon", out_, err_) {
    main_.log().set_stderr(false);
    main_.log().set_capture(&lines_);
  }
  std::optional<int> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "maild");
    return main_.parse(static_cast<int>(args.size()), args.data());
  }
  std::ostringstream out_, err_;
  DaemonMain main_;
  std::vector<std::string> lines_;
};

TEST_F(DaemonMainTest, HelpListsEveryOptionWithItsHelp) {
  EXPECT_EQ(parse({"--help"}), 0);
  EXPECT_TRUE(has(out_.str(), "Usage: maild [--config FILE] [--debug] [--check]")) << out_.str();
  EXPECT_TRUE(has(out_.str(), "--check")) << out_.str();
  EXPECT_TRUE(has(out_.str(), "FILE: ok")) << out_.str();
  EXPECT_EQ(err_.str(), "");
}

TEST_F(DaemonMainTest, VersionNeedsNoConfig) {
  EXPECT_EQ(parse({"--version"}), 0);
  EXPECT_EQ(out_.str().rfind("maild (hamail) ", 0), 0u) << out_.str();
  EXPECT_EQ(err_.str(), "");
}

TEST_F(DaemonMainTest, UsageErrorsAreNamedWithTheUsageAndExit2) {
  EXPECT_EQ(parse({}), 2);
  EXPECT_TRUE(has(err_.str(), "maild: --config FILE is required\nUsage: maild")) << err_.str();
  err_.str("");
  EXPECT_EQ(parse({"--config", "/etc/maild.yaml", "--verbose"}), 2);
  EXPECT_TRUE(has(err_.str(), "maild: unknown option '--verbose'")) << err_.str();
  err_.str("");
  EXPECT_EQ(parse({"--config"}), 2);
  EXPECT_TRUE(has(err_.str(), "maild: --config needs FILE")) << err_.str();
}

TEST_F(DaemonMainTest, CheckPrintsFileOkOrTheErrors) {
  ASSERT_EQ(parse({"--config", "/etc/maild.yaml", "--check"}), std::nullopt);
  EXPECT_TRUE(main_.check_only());
  EXPECT_EQ(main_.config_loaded(Status::ok()), 0);
  EXPECT_EQ(out_.str(), "/etc/maild.yaml: ok\n");
  EXPECT_EQ(main_.config_loaded(Error{"/etc/maild.yaml:3:5: listeners: bad"}), 1);
  EXPECT_EQ(err_.str(), "/etc/maild.yaml:3:5: listeners: bad\n");
  EXPECT_TRUE(lines_.empty());
}

TEST_F(DaemonMainTest, WithoutCheckABadConfigIsLoggedAndAGoodOneGoesOn) {
  ASSERT_EQ(parse({"--config", "/etc/maild.yaml", "--debug"}), std::nullopt);
  EXPECT_TRUE(main_.log().enabled(LogLevel::debug));
  EXPECT_EQ(main_.config_loaded(Status::ok()), std::nullopt);
  EXPECT_EQ(main_.config_loaded(Error{"bad"}), 1);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(has(lines_[0], "event=config_invalid config=/etc/maild.yaml error=bad")) << lines_[0];
  EXPECT_EQ(main_.startup_failed("tls: no"), 1);
  EXPECT_TRUE(has(lines_.back(), "level=error component=maild event=startup_failed error=\"tls: no\"")) << lines_.back();
  EXPECT_EQ(out_.str() + err_.str(), "");
}

TEST_F(DaemonMainTest, RunsUntilSigtermHandingOtherSignalsToTheDaemon) {
  ASSERT_EQ(parse({"--config", "/etc/maild.yaml"}), std::nullopt);
  auto loop = uv::EventLoop::create();
  ASSERT_TRUE(loop) << loop.error();
  DaemonConfig config;
  config.mail_root = "/srv/mail";
  std::vector<int> seen;
  uv::Timer usr1(**loop), term(**loop), deadline(**loop);
  usr1.start(10, [] { std::raise(SIGUSR1); });
  term.start(50, [] { std::raise(SIGTERM); });
  bool expired = false;
  deadline.start(5000, [&] {
    expired = true;
    (*loop)->stop();
  });
  EXPECT_EQ(main_.run(**loop, config, {SIGUSR1}, [&](int sig) { seen.push_back(sig); }), 0);
  EXPECT_FALSE(expired) << "SIGTERM did not stop the loop";
  EXPECT_EQ(seen, std::vector<int>{SIGUSR1});
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_TRUE(has(lines_[0], "event=started hostname=localhost mail_root=/srv/mail")) << lines_[0];
  EXPECT_TRUE(has(lines_[1], "event=stopping signal=" + std::to_string(SIGTERM))) << lines_[1];
  EXPECT_TRUE(has(lines_[2], "event=stopped")) << lines_[2];
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
