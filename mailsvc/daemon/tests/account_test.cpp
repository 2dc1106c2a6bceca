// The account a daemon gives root up for: `user:` in the config, the passwd lookup (no
// uid 0), mail_root prepared for it as root (directories, the user db's group, the
// one-time take-over of a tree written by root without following links), the switch
// itself (in a child process: it cannot be undone) and the access check after it.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "hamail/mailsvc/daemon/account.h"
#include "hamail/mailsvc/daemon/config_file.h"
#include "hamail/mailsvc/daemon/daemon_config.h"
#include "hamail/mailsvc/daemon/mail_root_access.h"
#include "../../store/tests/temp_dir.h"

namespace hamail::mailsvc::daemon {
namespace {

namespace fs = std::filesystem;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Status parse(const std::string& text, DaemonConfig& out) {
  const ListenerSchema schema{"role", {{"mx", ListenerTls::starttls}}};
  return parse_config_text(text, "mail.yaml", [&](config::MapReader& top) { read_daemon_sections(top, schema, out); });
}

struct stat stat_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st;
}

// Runs `body` in a child process (the switch cannot be undone); its exit status.
int in_child(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(DaemonAccount, UserKeyDefaultsToMailAndRootIsRefused) {
  const std::string base = "mail_root: /srv/mail\nlisteners:\n  - {role: mx, port: 25}\n";
  DaemonConfig c;
  ASSERT_TRUE(parse(base, c));
  EXPECT_EQ(c.user, "mail");
  DaemonConfig n;
  ASSERT_TRUE(parse(base + "user: hamail\n", n));
  EXPECT_EQ(n.user, "hamail");
  DaemonConfig r;
  Status s = parse(base + "user: root\n", r);
  ASSERT_FALSE(s);
  EXPECT_TRUE(has(s.message(), "mail.yaml:4:7: user: must name an unprivileged account")) << s.message();
}

TEST(DaemonAccount, LookupFindsTheAccountAndRefusesUidZero) {
  auto nobody = lookup_account("nobody");
  ASSERT_TRUE(nobody) << nobody.error();
  EXPECT_EQ(nobody->uid, ::getpwnam("nobody")->pw_uid);
  EXPECT_EQ(nobody->gid, ::getpwnam("nobody")->pw_gid);
  auto root = lookup_account("root");
  ASSERT_FALSE(root);
  EXPECT_TRUE(has(root.error(), "user: 'root' has uid 0")) << root.error();
  auto missing = lookup_account("no-such-hamail-user");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(has(missing.error(), "user: no such user 'no-such-hamail-user'")) << missing.error();
}

class MailRootAsRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (chown)";
    auto a = lookup_account("nobody");
    ASSERT_TRUE(a) << a.error();
    account_ = *a;
    ::chmod(dir_.path().c_str(), 0755);
    log_.set_stderr(false);
    layout_ = MailRootLayout{dir_ / "mail", dir_ / "mail/etc", {dir_ / "mail/queue", dir_ / "mail/maildirs"}};
  }
  void write(const std::string& rel, const std::string& text, mode_t mode = 0640) {
    fs::create_directories(fs::path(dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
    ::chmod((dir_ / rel).c_str(), mode);
  }
  Status prepare() { return prepare_mail_root(layout_, account_, log_); }

  testing::TempDir dir_;
  Account account_;
  MailRootLayout layout_;
  std::vector<std::string> lines_;
  Logger log_{"test", LogLevel::info};
};

TEST_F(MailRootAsRoot, MakesTheLayoutForTheAccount) {
  ASSERT_TRUE(prepare());
  EXPECT_EQ(stat_of(layout_.mail_root).st_mode & 07777, 0755u);
  struct stat etc = stat_of(layout_.users_dir);
  EXPECT_EQ(etc.st_uid, 0u);
  EXPECT_EQ(etc.st_gid, account_.gid);
  EXPECT_EQ(etc.st_mode & 07777, 0750u);
  for (const auto& d : layout_.owned_dirs) {
    struct stat st = stat_of(d);
    EXPECT_EQ(st.st_uid, account_.uid) << d;
    EXPECT_EQ(st.st_mode & 07777, 0700u) << d;
  }
}

TEST_F(MailRootAsRoot, TakesOverATreeWrittenByRootWithoutFollowingLinks) {
  log_.set_capture(&lines_);
  write("mail/etc/passwd", "alice@example.org:x:::::\n", 0600);
  write("mail/maildirs/example.org/alice/Maildir/new/1.M1", "Subject: hi\r\n\r\n");
  write("outside/secret", "root's own\n", 0600);
  fs::create_symlink(dir_ / "outside/secret", dir_ / "mail/maildirs/example.org/link");
  ASSERT_EQ(::link((dir_ / "outside/secret").c_str(), (dir_ / "mail/maildirs/example.org/hard").c_str()), 0);
  ::chmod((dir_ / "mail/etc").c_str(), 0700);

  ASSERT_TRUE(prepare());
  for (const char* rel : {"mail/maildirs", "mail/maildirs/example.org", "mail/maildirs/example.org/alice/Maildir/new",
                          "mail/maildirs/example.org/alice/Maildir/new/1.M1", "mail/maildirs/example.org/link"})
    EXPECT_EQ(stat_of(dir_ / rel).st_uid, account_.uid) << rel;
  EXPECT_EQ(stat_of(dir_ / "outside/secret").st_uid, 0u) << "neither the symlink nor the hard link gave it away";
  EXPECT_EQ(stat_of(dir_ / "outside/secret").st_gid, 0u);
  struct stat passwd = stat_of(dir_ / "mail/etc/passwd");
  EXPECT_EQ(passwd.st_uid, 0u);
  EXPECT_EQ(passwd.st_gid, account_.gid);
  EXPECT_EQ(passwd.st_mode & 07777, 0640u);
  EXPECT_EQ(stat_of(dir_ / "mail/etc").st_mode & 07777, 0750u);
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_TRUE(has(lines_[0], "event=user_db_group_set")) << lines_[0];
  EXPECT_TRUE(has(lines_[1], "event=mail_store_chowned")) << lines_[1];
  EXPECT_TRUE(has(lines_[1], "skipped_hard_links=1")) << lines_[1];

  // Taken over once: the next start does not walk the tree (a file root put there since stays root's).
  write("mail/maildirs/example.org/alice/Maildir/new/2.M2", "Subject: later\r\n\r\n");
  lines_.clear();
  ASSERT_TRUE(prepare());
  EXPECT_EQ(stat_of(dir_ / "mail/maildirs/example.org/alice/Maildir/new/2.M2").st_uid, 0u);
  EXPECT_TRUE(lines_.empty()) << lines_[0];
}

TEST_F(MailRootAsRoot, TheSwitchSticksAndTheAccessCheckNamesAnUnreachablePath) {
  ASSERT_TRUE(prepare());
  const Account a = account_;
  const MailRootLayout layout = layout_;
  EXPECT_EQ(in_child([&] {
              if (!switch_to(a)) return 1;
              if (::getuid() != a.uid || ::geteuid() != a.uid || ::getegid() != a.gid) return 2;
              if (::setuid(0) == 0 || ::seteuid(0) == 0) return 3;
              return check_mail_root_access(layout, a) ? 0 : 4;
            }),
            0);
  ::chmod(dir_.path().c_str(), 0700);  // a directory above mail_root the account cannot search
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  EXPECT_EQ(in_child([&] {
              if (!switch_to(a)) return 1;
              Status s = check_mail_root_access(layout, a);
              std::string m = s ? "" : s.message();
              return ::write(pipe_fds[1], m.data(), m.size()) > 0 ? 0 : 5;
            }),
            0);
  ::close(pipe_fds[1]);
  char buf[512] = {};
  ASSERT_GT(::read(pipe_fds[0], buf, sizeof buf - 1), 0);
  ::close(pipe_fds[0]);
  EXPECT_TRUE(has(buf, "mail_root: user nobody (uid " + std::to_string(a.uid) + ") cannot reach " + layout.mail_root +
                           ": Permission denied"))
      << buf;
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
