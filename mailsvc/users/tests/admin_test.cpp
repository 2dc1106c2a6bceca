#include "hamail/mailsvc/users/admin.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "hamail/mailsvc/store/fs.h"
#include "../../store/tests/temp_dir.h"
#include "hamail/mailsvc/users/password_hash.h"
#include "hamail/mailsvc/users/user_db.h"

namespace hamail::mailsvc::users {
namespace {

using testing::TempDir;

struct AdminRun {
  int code;
  std::string out, err;
};

// Calls the command function directly; stdin holds `input`; the "terminal" answers
// with the given secrets in turn.
AdminRun admin(const std::vector<std::string>& args, const std::string& input = "",
          std::vector<std::string> tty_answers = {}) {
  std::istringstream in(input);
  std::ostringstream out, err;
  std::size_t next = 0;
  AdminIo io{in, out, err, [&](const std::string&) -> Result<std::string> {
               if (next >= tty_answers.size()) return Error{"no terminal"};
               return tty_answers[next++];
             }};
  int code = run_admin(args, io);
  return {code, out.str(), err.str()};
}

std::vector<std::string> with_dir(const TempDir& d, std::vector<std::string> args) {
  args.insert(args.begin(), {"--dir", d.path()});
  return args;
}

ino_t inode_of(const std::string& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

mode_t mode_of(const std::string& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(Admin, UserRoundTripWithPasswordStdin) {
  TempDir d;
  ASSERT_EQ(admin(with_dir(d, {"domain", "add", "Example.org"})).code, 0);
  AdminRun add = admin(with_dir(d, {"user", "add", "alice@example.org", "--password-stdin", "--uid", "5000", "--gid",
                               "5000", "--home", "/srv/mail/example.org/alice"}),
                  "s3cret\n");
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_EQ(add.out, "user alice@example.org added (SHA512-CRYPT)\n");
  EXPECT_EQ(mode_of(d / "passwd"), 0640u);
  EXPECT_EQ(admin(with_dir(d, {"user", "list"})).out, "alice@example.org SHA512-CRYPT\n");

  auto db = UserDb::load(d.path());
  ASSERT_TRUE(db) << db.error();
  EXPECT_TRUE(*db->authenticate("alice@example.org", "s3cret"));
  const PasswdEntry* e = db->users.find("alice@example.org");
  EXPECT_EQ(e->uid, "5000");
  EXPECT_EQ(e->home, "/srv/mail/example.org/alice");
  std::string text = *store::read_file_bounded(d / "passwd", 10000);
  EXPECT_EQ(text.find("s3cret"), std::string::npos);

  ino_t before = inode_of(d / "passwd");
  AdminRun pw = admin(with_dir(d, {"user", "passwd", "alice@example.org", "--password-stdin"}), "n3w\r\n");
  ASSERT_EQ(pw.code, 0) << pw.err;
  EXPECT_NE(inode_of(d / "passwd"), before) << "replaced by rename, never truncated in place";
  EXPECT_EQ(mode_of(d / "passwd"), 0640u);
  db = UserDb::load(d.path());
  EXPECT_FALSE(*db->authenticate("alice@example.org", "s3cret"));
  EXPECT_TRUE(*db->authenticate("alice@example.org", "n3w"));

  EXPECT_EQ(admin(with_dir(d, {"user", "del", "alice@example.org"})).code, 0);
  EXPECT_EQ(admin(with_dir(d, {"user", "list"})).out, "");
  AdminRun again = admin(with_dir(d, {"user", "del", "alice@example.org"}));
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(again.err, "mailsvc-admin: no user 'alice@example.org'\n");
}

TEST(Admin, EachAvailableSchemeVerifies) {
  TempDir d;
  ASSERT_EQ(admin(with_dir(d, {"domain", "add", "x.org"})).code, 0);
  int i = 0;
  for (const char* scheme : {"SHA512-CRYPT", "BLF-CRYPT", "YESCRYPT"}) {
    std::string user = "u" + std::to_string(i++) + "@x.org";
    AdminRun r = admin(with_dir(d, {"user", "add", user, "--scheme", scheme, "--password-stdin"}), "pw\n");
    if (!scheme_available(*scheme_from_cli(scheme))) {
      EXPECT_EQ(r.code, 1);
      continue;
    }
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(*UserDb::load(d.path())->authenticate(user, "pw")) << scheme;
    EXPECT_FALSE(*UserDb::load(d.path())->authenticate(user, "pW")) << scheme;
  }
}

TEST(Admin, PromptAsksTwice) {
  TempDir d;
  ASSERT_EQ(admin(with_dir(d, {"domain", "add", "x.org"})).code, 0);
  AdminRun mismatch = admin(with_dir(d, {"user", "add", "a@x.org"}), "", {"one", "two"});
  EXPECT_EQ(mismatch.code, 1);
  EXPECT_EQ(mismatch.err, "mailsvc-admin: the two passwords do not match\n");
  EXPECT_FALSE(store::path_exists(d / "passwd"));
  AdminRun ok = admin(with_dir(d, {"user", "add", "a@x.org"}), "", {"same", "same"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_TRUE(*UserDb::load(d.path())->authenticate("a@x.org", "same"));
  AdminRun empty = admin(with_dir(d, {"user", "passwd", "a@x.org", "--password-stdin"}), "\n");
  EXPECT_EQ(empty.err, "mailsvc-admin: empty password refused\n");
}

TEST(Admin, RefusesPasswordsInArgv) {
  TempDir d;
  for (std::string bad : {"--password=hunter2", "--password", "--pass=x", "-p"}) {
    AdminRun r = admin(with_dir(d, {"user", "add", "a@x.org", bad}));
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.err.find("a password on the command line is visible to every user"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << "the error does not echo the password";
  }
}

TEST(Admin, UserNeedsALocalDomain) {
  TempDir d;
  AdminRun r = admin(with_dir(d, {"user", "add", "a@x.org", "--password-stdin"}), "pw\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "mailsvc-admin: domain 'x.org' is not a local domain (add it first: mailsvc-admin --dir " +
                       d.path() + " domain add x.org)\n");
}

TEST(Admin, AliasAndDomainRoundTrips) {
  TempDir d;
  ASSERT_EQ(admin(with_dir(d, {"domain", "add", "x.org"})).code, 0);
  ASSERT_EQ(admin(with_dir(d, {"domain", "add", "y.org"})).code, 0);
  EXPECT_EQ(admin(with_dir(d, {"domain", "list"})).out, "x.org\ny.org\n");
  AdminRun a = admin(with_dir(d, {"alias", "add", "postmaster@x.org", "alice@x.org,bob@gmail.com"}));
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, "alias postmaster@x.org -> alice@x.org, bob@gmail.com\n");
  ino_t before = inode_of(d / "aliases");
  ASSERT_EQ(admin(with_dir(d, {"alias", "add", "abuse@x.org", "postmaster@x.org"})).code, 0);
  EXPECT_NE(inode_of(d / "aliases"), before);
  EXPECT_EQ(mode_of(d / "aliases"), 0640u);
  EXPECT_EQ(mode_of(d / "domains"), 0640u);
  EXPECT_EQ(admin(with_dir(d, {"alias", "list"})).out,
            "postmaster@x.org: alice@x.org, bob@gmail.com\nabuse@x.org: postmaster@x.org\n");

  AdminRun loop = admin(with_dir(d, {"alias", "add", "alice@x.org", "abuse@x.org"}));
  EXPECT_EQ(loop.code, 1);
  EXPECT_EQ(loop.err,
            "mailsvc-admin: not added: alias loop: alice@x.org -> abuse@x.org -> postmaster@x.org -> alice@x.org\n");
  EXPECT_EQ(UserDb::load(d.path())->aliases.entries().size(), 2u) << "nothing written";

  AdminRun busy = admin(with_dir(d, {"domain", "del", "x.org"}));
  EXPECT_EQ(busy.err, "mailsvc-admin: domain 'x.org' still has 0 user(s) and 2 alias(es): remove them first\n");
  ASSERT_EQ(admin(with_dir(d, {"alias", "del", "postmaster@x.org", "bob@gmail.com"})).code, 0);
  ASSERT_EQ(admin(with_dir(d, {"alias", "del", "postmaster@x.org"})).code, 0);
  ASSERT_EQ(admin(with_dir(d, {"alias", "del", "abuse@x.org"})).code, 0);
  ASSERT_EQ(admin(with_dir(d, {"domain", "del", "x.org"})).code, 0);
  EXPECT_EQ(admin(with_dir(d, {"domain", "list"})).out, "y.org\n");
}

TEST(Admin, UsageErrors) {
  TempDir d;
  EXPECT_EQ(admin({"user", "list"}).code, 2);
  EXPECT_EQ(admin(with_dir(d, {"user", "frobnicate"})).err, "mailsvc-admin: unknown command 'user frobnicate'\n");
  EXPECT_EQ(admin({"--dir", d / "missing", "user", "list"}).err,
            "mailsvc-admin: user database directory " + (d / "missing") + " does not exist\n");
  std::ofstream(d / "passwd") << "garbage\n";
  EXPECT_EQ(admin(with_dir(d, {"user", "list"})).err,
            "mailsvc-admin: " + (d / "passwd") + ":1: expected 'user@domain:{SCHEME}hash:uid:gid::home::', got 'garbage'\n");
}

// The real program: password through a pipe on stdin, and argv refused.
TEST(Admin, ProcessRoundTrip) {
  TempDir d;
  auto sh = [&](const std::string& cmd) {
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  std::string bin = std::string(MAILSVC_ADMIN_BIN) + " --dir " + d.path();
  ASSERT_EQ(sh(bin + " domain add x.org >/dev/null"), 0);
  std::ofstream(d / "pw.txt") << "piped secret\n";
  ASSERT_EQ(sh(bin + " user add a@x.org --password-stdin < " + (d / "pw.txt") + " >/dev/null"), 0);
  EXPECT_TRUE(*UserDb::load(d.path())->authenticate("a@x.org", "piped secret"));
  EXPECT_EQ(sh(bin + " user passwd a@x.org --password=oops 2>/dev/null"), 2);
  // setsid: no controlling terminal, even when the test runs from one.
  EXPECT_EQ(sh("setsid -w " + bin + " user passwd a@x.org </dev/null >/dev/null 2>&1"), 1)
      << "no terminal and no --password-stdin: refused";
}

}  // namespace
}  // namespace hamail::mailsvc::users
