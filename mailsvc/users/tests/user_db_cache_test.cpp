#include "hamail/mailsvc/users/user_db_cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "../../store/tests/temp_dir.h"
#include "hamail/mailsvc/users/password_hash.h"

namespace hamail::mailsvc::users {
namespace {

using testing::TempDir;

// Like mailsvc-admin: a new file renamed over the old one.
void replace(const std::string& path, const std::string& text) {
  std::ofstream(path + ".new") << text;
  ASSERT_EQ(std::rename((path + ".new").c_str(), path.c_str()), 0);
}

TEST(UserDbCache, ServesTheSameLoadUntilAFileChanges) {
  TempDir dir;
  replace(dir / "domains", "x.org\n");
  replace(dir / "passwd", "alice@x.org:" + *hash_password(Scheme::Sha512Crypt, "pw") + "\n");
  UserDbCache cache(dir.path());
  auto a = cache.get();
  ASSERT_TRUE(a) << a.error();
  auto b = cache.get();
  ASSERT_TRUE(b);
  EXPECT_EQ(a->get(), b->get()) << "unchanged files are not read again";
  EXPECT_EQ((*a)->users.find("bob@x.org"), nullptr);

  replace(dir / "passwd", "alice@x.org:" + *hash_password(Scheme::Sha512Crypt, "pw") + "\nbob@x.org:" +
                              *hash_password(Scheme::Sha512Crypt, "pw2") + "\n");
  auto c = cache.get();
  ASSERT_TRUE(c);
  EXPECT_NE(c->get(), a->get());
  EXPECT_NE((*c)->users.find("bob@x.org"), nullptr) << "a new user is seen at the next lookup";

  replace(dir / "aliases", "team@x.org: alice@x.org, bob@x.org\n");  // a file that did not exist
  auto d = cache.get();
  ASSERT_TRUE(d);
  EXPECT_NE((*d)->aliases.find("team@x.org"), nullptr);
}

TEST(UserDbCache, ABrokenFileIsAnErrorUntilFixed) {
  TempDir dir;
  replace(dir / "domains", "x.org\n");
  UserDbCache cache(dir.path());
  ASSERT_TRUE(cache.get());
  replace(dir / "aliases", "broken\n");
  auto bad = cache.get();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("aliases:1:"), std::string::npos) << bad.error();
  replace(dir / "aliases", "");
  EXPECT_TRUE(cache.get());
}

}  // namespace
}  // namespace hamail::mailsvc::users
