#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "hamail/tls/secret.h"
#include "tls_test_util.h"

namespace hamail::tls {
namespace {

using testing::contains;
using testing::TempDir;

constexpr const char* kSecret = "correct horse battery staple 1234";

std::string write_secret(const TempDir& dir, const std::string& name, const std::string& content, mode_t mode) {
  std::string path = dir.file(name);
  { std::ofstream(path) << content; }
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(TlsSecretTest, ReadsTheFileWithoutTrailingNewline) {
  TempDir dir;
  auto a = read_secret_file(write_secret(dir, "a", std::string(kSecret) + "\n", 0600));
  ASSERT_TRUE(a) << a.error();
  auto b = SharedSecret::from_bytes(kSecret);
  ASSERT_TRUE(b);
  EXPECT_TRUE(a->bytes() == b->bytes());
}

TEST(TlsSecretTest, RefusesWorldReadableShortMissingAndOversizedFiles) {
  TempDir dir;
  std::string open = write_secret(dir, "open", kSecret, 0644);
  auto r = read_secret_file(open);
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error(), open + " is readable by everyone")) << r.error();

  auto shortr = read_secret_file(write_secret(dir, "short", "abc\n", 0600));
  ASSERT_FALSE(shortr);
  EXPECT_TRUE(contains(shortr.error(), "3 bytes; at least 16")) << shortr.error();
  EXPECT_FALSE(contains(shortr.error(), "abc")) << "the secret must not appear in errors";

  auto missing = read_secret_file(dir.file("nope"));
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error(), "cannot open secret file " + dir.file("nope") + ": No such file"))
      << missing.error();

  auto big = read_secret_file(write_secret(dir, "big", std::string(10000, 'x'), 0600));
  ASSERT_FALSE(big);
  EXPECT_TRUE(contains(big.error(), "larger than 4096 bytes")) << big.error();

  auto dirr = read_secret_file(dir.path());
  ASSERT_FALSE(dirr);
}

TEST(TlsSecretTest, PskIsDeterministicAndDependsOnSecretAndIdentity) {
  auto s1 = SharedSecret::from_bytes(kSecret);
  auto s2 = SharedSecret::from_bytes("another secret of enough length");
  ASSERT_TRUE(s1 && s2);
  auto a = derive_psk(*s1, "r0");
  auto b = derive_psk(*s1, "r0");
  auto c = derive_psk(*s1, "r1");
  auto d = derive_psk(*s2, "r0");
  ASSERT_TRUE(a && b && c && d);
  EXPECT_EQ(a->size(), 32u);
  EXPECT_TRUE(*a == *b);
  EXPECT_FALSE(*a == *c);
  EXPECT_FALSE(*a == *d);
}

}  // namespace
}  // namespace hamail::tls
