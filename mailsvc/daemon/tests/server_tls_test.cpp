#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "hamail/mailsvc/daemon/server_tls.h"
#include "../../store/tests/temp_dir.h"

namespace hamail::mailsvc::daemon {
namespace {

using mailsvc::testing::TempDir;

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ServerTlsTest : public ::testing::Test {
 protected:
  ServerTlsTest() : log_("test", LogLevel::debug) {
    log_.set_stderr(false);
    log_.set_capture(&lines_);
  }
  TempDir dir_;
  Logger log_;
  std::vector<std::string> lines_;
};

TEST_F(ServerTlsTest, BothAbsentGeneratesASelfSignedPairInNewPrivateDirectories) {
  TlsFiles files{dir_ / "mail/tls/cert.pem", dir_ / "mail/tls/key.pem"};
  auto ctx = load_server_tls(files, "mail.example.org", log_);
  ASSERT_TRUE(ctx) << ctx.error();
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "mail/tls").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(files.key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(has(lines_[0], "event=tls_self_signed_generated")) << lines_[0];
  EXPECT_TRUE(has(lines_[0], "cn=mail.example.org")) << lines_[0];

  // The next start loads the same pair: nothing is generated again.
  std::string cert = read_file(files.cert);
  lines_.clear();
  auto again = load_server_tls(files, "mail.example.org", log_);
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE(lines_.empty());
  EXPECT_EQ(read_file(files.cert), cert);
}

TEST_F(ServerTlsTest, OneFileWithoutTheOtherNamesTheMissingOneAndWritesNothing) {
  TlsFiles files{dir_ / "cert.pem", dir_ / "key.pem"};
  write_file(files.cert, "not used\n");
  auto ctx = load_server_tls(files, "localhost", log_);
  ASSERT_FALSE(ctx);
  EXPECT_TRUE(has(ctx.error(), "tls: key " + files.key + " is missing while " + files.cert + " exists")) << ctx.error();
  struct stat st {};
  EXPECT_NE(::stat(files.key.c_str(), &st), 0);
  EXPECT_EQ(read_file(files.cert), "not used\n");

  std::remove(files.cert.c_str());
  write_file(files.key, "not used\n");
  ctx = load_server_tls(files, "localhost", log_);
  ASSERT_FALSE(ctx);
  EXPECT_TRUE(has(ctx.error(), "tls: certificate " + files.cert + " is missing while " + files.key + " exists"))
      << ctx.error();
  EXPECT_TRUE(lines_.empty());
}

TEST_F(ServerTlsTest, AFileThatIsNoCertificateIsNamed) {
  TlsFiles files{dir_ / "cert.pem", dir_ / "key.pem"};
  write_file(files.cert, "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
  write_file(files.key, "garbage\n");
  auto ctx = load_server_tls(files, "localhost", log_);
  ASSERT_FALSE(ctx);
  EXPECT_TRUE(has(ctx.error(), "tls: cannot load certificate " + files.cert)) << ctx.error();
}

TEST_F(ServerTlsTest, ADirectoryThatCannotBeCreatedIsNamed) {
  // procfs refuses mkdir, to root too.
  std::string dir = "/proc/hamail-daemon-test-" + std::to_string(::getpid());
  TlsFiles files{dir + "/tls/cert.pem", dir + "/tls/key.pem"};
  auto ctx = load_server_tls(files, "localhost", log_);
  ASSERT_FALSE(ctx);
  EXPECT_TRUE(has(ctx.error(), "tls: cannot create directory " + dir + ": ")) << ctx.error();
  EXPECT_TRUE(lines_.empty());
}

TEST_F(ServerTlsTest, APathThroughAFileIsNamedAndNothingIsGenerated) {
  write_file(dir_ / "mail", "a file where a directory should be\n");
  TlsFiles files{dir_ / "mail/tls/cert.pem", dir_ / "mail/tls/key.pem"};
  auto ctx = load_server_tls(files, "localhost", log_);
  ASSERT_FALSE(ctx);
  EXPECT_TRUE(has(ctx.error(), "tls: cannot read certificate file " + files.cert + ": Not a directory")) << ctx.error();
  EXPECT_TRUE(lines_.empty());
}

}  // namespace
}  // namespace hamail::mailsvc::daemon
