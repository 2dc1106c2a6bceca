#include "hamail/mailsvc/daemon/password_login.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../../store/tests/temp_dir.h"
#include "hamail/mailsvc/daemon/tls_listener_schema.h"
#include "hamail/mailsvc/users/password_hash.h"

namespace hamail::mailsvc::daemon {
namespace {

using Outcome = PasswordLogin::Outcome;

class PasswordLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_.mail_root = root_.path();
    std::filesystem::create_directories(cfg_.users_dir());
    std::ofstream(cfg_.users_dir() + "/domains") << "example.org\n";
    std::ofstream(cfg_.users_dir() + "/passwd")
        << "alice@example.org:" << *users::hash_password(users::Scheme::Sha512Crypt, "secret") << "\n";
    log_.set_stderr(false);
    log_.set_capture(&lines_);
  }
  PasswordLogin check(std::string_view user, std::string_view password) {
    return check_password_login(cfg_, log_, LoginAttempt{user, password, "PLAIN", "7-1"});
  }

  testing::TempDir root_;
  DaemonConfig cfg_;
  Logger log_{"test", LogLevel::info};
  std::vector<std::string> lines_;
};

TEST_F(PasswordLoginTest, TheRightPasswordGivesTheLowerCasedUserAndTheMaildirPath) {
  PasswordLogin login = check("Alice@Example.ORG", "secret");
  ASSERT_EQ(login.outcome, Outcome::ok);
  EXPECT_EQ(login.user, "alice@example.org");
  EXPECT_EQ(login.maildir, cfg_.mail_root + "/maildirs/example.org/alice/Maildir");
  EXPECT_FALSE(std::filesystem::exists(login.maildir)) << "the Maildir is the daemon's to open or create";
  EXPECT_TRUE(lines_.empty());
}

TEST_F(PasswordLoginTest, AWrongPasswordAndAnUnknownUserAreBadCredentialsLoggedAsInfo) {
  for (auto [user, password] : {std::pair{"alice@example.org", "wrong"}, std::pair{"bob@example.org", "secret"}}) {
    lines_.clear();
    PasswordLogin login = check(user, password);
    EXPECT_EQ(login.outcome, Outcome::bad_credentials) << user;
    EXPECT_TRUE(login.user.empty() && login.maildir.empty());
    ASSERT_EQ(lines_.size(), 1u);
    EXPECT_NE(lines_[0].find("login_failed"), std::string::npos) << lines_[0];
    EXPECT_NE(lines_[0].find("bad_credentials"), std::string::npos) << lines_[0];
    EXPECT_NE(lines_[0].find("level=info"), std::string::npos) << lines_[0];
    EXPECT_EQ(lines_[0].find(password), std::string::npos) << "no password in the log: " << lines_[0];
  }
}

TEST_F(PasswordLoginTest, AnUnreadableUserDatabaseIsATemporaryFailureLoggedAsError) {
  std::ofstream(cfg_.users_dir() + "/aliases") << "broken\n";
  PasswordLogin login = check("alice@example.org", "secret");
  EXPECT_EQ(login.outcome, Outcome::temporary_failure);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("user_db"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].find("level=error"), std::string::npos) << lines_[0];
}

TEST(TlsListenerSchema, NamesStarttlsAndImplicitUnderTheTlsKey) {
  const ListenerSchema& s = tls_listener_schema();
  EXPECT_EQ(s.key, "tls");
  ASSERT_EQ(s.kinds.size(), 2u);
  EXPECT_EQ(s.kinds[0].name, "starttls");
  EXPECT_EQ(s.kinds[0].tls, ListenerTls::starttls);
  EXPECT_EQ(s.kinds[1].name, "implicit");
  EXPECT_EQ(s.kinds[1].tls, ListenerTls::implicit);
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
