#include "hamail/mailsvc/store/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "temp_dir.h"

namespace hamail::mailsvc::store {
namespace {

using testing::TempDir;

ino_t inode_of(const std::string& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

TEST(StoreFs, ReplaceIsAtomicWithExactMode) {
  TempDir dir;
  std::string f = dir / "passwd";
  ASSERT_TRUE(replace_file_atomically(f, "one\n", 0640));
  ino_t first = inode_of(f);
  ASSERT_TRUE(replace_file_atomically(f, "two\n", 0640));
  EXPECT_NE(inode_of(f), first) << "replaced by rename, not rewritten in place";
  struct stat st {};
  ASSERT_EQ(::stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(*read_file_bounded(f, 100), "two\n");
  // Nothing temporary left behind.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) entries += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(entries, 1);
}

TEST(StoreFs, ANewFileTakesItsDirectorysGroupAnExistingOneKeepsItsOwn) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (chgrp to a group it is not in)";
  TempDir dir;
  const gid_t mail_group = 8, other = 65534;
  ASSERT_EQ(::chown(dir.path().c_str(), static_cast<uid_t>(-1), mail_group), 0);
  std::string f = dir / "passwd";
  ASSERT_TRUE(replace_file_atomically(f, "one\n", 0640));
  struct stat st {};
  ASSERT_EQ(::stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, mail_group) << "readable by the daemons' group, as mailsvc-admin writes it as root";
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(::chown(f.c_str(), static_cast<uid_t>(-1), other), 0);
  ASSERT_TRUE(replace_file_atomically(f, "two\n", 0640));
  ASSERT_EQ(::stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_gid, other) << "an existing file's group is kept";
}

TEST(StoreFs, ErrorsNameThePath) {
  TempDir dir;
  auto r = read_file_bounded(dir / "missing", 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "open " + (dir / "missing") + ": No such file or directory");
  Status s = replace_file_atomically(dir / "no/such/dir/file", "x", 0600);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find(dir / "no/such/dir/file.tmp."), std::string::npos) << s.message();
}

TEST(StoreFs, ReadIsBounded) {
  TempDir dir;
  std::ofstream(dir / "big") << std::string(100, 'x');
  EXPECT_TRUE(read_file_bounded(dir / "big", 100));
  auto r = read_file_bounded(dir / "big", 99);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "read " + (dir / "big") + ": file is 100 bytes, more than the limit of 99");
}

TEST(StoreFs, MakeDirectoryRefusesAFile) {
  TempDir dir;
  std::ofstream(dir / "f") << "x";
  EXPECT_TRUE(make_directory(dir / "d", 0700));
  EXPECT_TRUE(make_directory(dir / "d", 0700));
  Status s = make_directory(dir / "f", 0700);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "mkdir " + (dir / "f") + ": exists and is not a directory");
}

}  // namespace
}  // namespace hamail::mailsvc::store
