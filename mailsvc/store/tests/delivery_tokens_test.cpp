// find_delivery_tokens: a delivery is found again by its token in new/ or cur/ (flags
// changed), not in tmp/ (removed there), and never by a token it does not carry.
#include "hamail/mailsvc/store/delivery_tokens.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "hamail/mailsvc/store/maildir.h"
#include "temp_dir.h"

namespace hamail::mailsvc::store {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::size_t files_in(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(DeliveryTokens, FoundInNewAndAfterAFlagChangeInCur) {
  TempDir dir;
  auto m = Maildir::create(dir / "Maildir");
  ASSERT_TRUE(m) << m.error();
  auto d1 = m->begin_delivery(0x11);
  ASSERT_TRUE(d1) << d1.error();
  ASSERT_TRUE(d1->write("one\r\n"));
  auto n1 = d1->commit();
  ASSERT_TRUE(n1) << n1.error();
  auto d2 = m->begin_delivery(0x22);
  ASSERT_TRUE(d2 && d2->write("two\r\n"));
  auto n2 = d2->commit();
  ASSERT_TRUE(n2) << n2.error();
  auto seen = m->set_flags(*n2, "S");
  ASSERT_TRUE(seen) << seen.error();
  ASSERT_TRUE(m->deliver("no token\r\n"));

  auto scan = find_delivery_tokens(m->path(), {0x11, 0x22, 0x33});
  ASSERT_TRUE(scan) << scan.error();
  ASSERT_EQ(scan->found.size(), 2u);
  EXPECT_EQ(scan->found.at(0x11), "new/" + *n1);
  EXPECT_EQ(scan->found.at(0x22), "cur/" + *seen);
  EXPECT_EQ(scan->found.count(0x33), 0u);
  EXPECT_EQ(scan->tmp_removed, 0u);
}

TEST(DeliveryTokens, AnUncommittedFileIsNotADeliveryAndIsRemoved) {
  TempDir dir;
  auto m = Maildir::create(dir / "Maildir");
  ASSERT_TRUE(m) << m.error();
  auto d = m->begin_delivery(0x44);
  ASSERT_TRUE(d && d->write("half"));
  std::string tmp = d->tmp_path();
  fs::copy_file(tmp, tmp + ".copy");  // what a crash before commit leaves (the object would remove tmp)
  d->abort();
  fs::rename(tmp + ".copy", tmp);
  auto other = m->begin_delivery(0x45);  // a delivery of a token not asked about is left alone
  ASSERT_TRUE(other && other->write("x"));

  auto scan = find_delivery_tokens(m->path(), {0x44});
  ASSERT_TRUE(scan) << scan.error();
  EXPECT_TRUE(scan->found.empty());
  EXPECT_EQ(scan->tmp_removed, 1u);
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_TRUE(fs::exists(other->tmp_path()));
}

TEST(DeliveryTokens, AMissingMaildirHoldsNothingAndAnUnreadableOneIsAnError) {
  TempDir dir;
  auto scan = find_delivery_tokens(dir / "nobody/Maildir", {1});
  ASSERT_TRUE(scan) << scan.error();
  EXPECT_TRUE(scan->found.empty());
  std::ofstream(dir / "file") << "x";
  auto bad = find_delivery_tokens(dir / "file", {1});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find(dir / "file/new"), std::string::npos) << bad.error();
}

// The scan's cost for a big mailbox: one pass, whatever the number of tokens asked.
TEST(DeliveryTokens, OnePassOverTwentyThousandFiles) {
  TempDir dir;
  auto m = Maildir::create(dir / "Maildir");
  ASSERT_TRUE(m) << m.error();
  constexpr int kFiles = 20000;  // 100,000 took 144 ms to scan, 15 s to create (Debug): README
  for (int i = 0; i < kFiles; ++i) {
    std::ofstream(m->path() + "/cur/1700000000.M" + std::to_string(i) + "P1Q1R00D" + std::string(15, '0') +
                  std::to_string(i % 10) + ".host:2,S");
  }
  ASSERT_EQ(files_in(m->path() + "/cur"), static_cast<std::size_t>(kFiles));
  std::unordered_set<std::uint64_t> tokens;
  for (std::uint64_t t = 1000; t < 2000; ++t) tokens.insert(t);
  tokens.insert(0x5);
  auto start = std::chrono::steady_clock::now();
  auto scan = find_delivery_tokens(m->path(), tokens);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(scan) << scan.error();
  EXPECT_EQ(scan->found.count(0x5), 1u);
  EXPECT_EQ(scan->found.size(), 1u);
  std::cout << "find_delivery_tokens: " << kFiles << " files, " << tokens.size() << " tokens: " << ms << " ms\n";
}

}  // namespace
}  // namespace hamail::mailsvc::store
