#include "hamail/mailsvc/users/user_db.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../../store/tests/temp_dir.h"
#include "hamail/mailsvc/users/password_hash.h"

namespace hamail::mailsvc::users {
namespace {

using testing::TempDir;

TEST(UsersDb, LoadsTheDirectoryAndAuthenticates) {
  TempDir dir;
  std::ofstream(dir / "domains") << "x.org\n";
  std::ofstream(dir / "passwd") << "alice@x.org:" << *hash_password(Scheme::Sha512Crypt, "pw") << "\n";
  auto db = UserDb::load(dir.path());
  ASSERT_TRUE(db) << db.error();
  EXPECT_TRUE(*db->authenticate("Alice@x.org", "pw"));
  EXPECT_FALSE(*db->authenticate("alice@x.org", "wrong"));
  EXPECT_FALSE(*db->authenticate("nobody@x.org", "pw"));
  EXPECT_FALSE(*db->authenticate("not an address", "pw"));
  EXPECT_TRUE(db->aliases.entries().empty()) << "a missing aliases file is no aliases";
}

TEST(UsersDb, BadFileErrorNamesIt) {
  TempDir dir;
  std::ofstream(dir / "aliases") << "broken\n";
  auto db = UserDb::load(dir.path());
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error(), (dir / "aliases") + ":1: expected 'alias@domain: target@domain, ...', got 'broken'");
}

}  // namespace
}  // namespace hamail::mailsvc::users
