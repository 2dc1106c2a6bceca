#include "hamail/drbdlite/meta/bitmap.h"

#include <gtest/gtest.h>

#include <vector>

namespace hamail::drbdlite::meta {
namespace {

constexpr std::uint64_t kKiB = 1024, kMiB = 1024 * kKiB;

Bitmap make(std::uint64_t data_bytes) {
  auto bm = Bitmap::create(data_bytes);
  EXPECT_TRUE(bm) << bm.error();
  return std::move(*bm);
}

std::vector<std::uint64_t> set_blocks_of(const Bitmap& bm) {
  std::vector<std::uint64_t> out;
  for (auto b = bm.find_next_set(0); b; b = bm.find_next_set(*b + 1)) out.push_back(*b);
  return out;
}

TEST(Bitmap, CreateRejectsBadSizes) {
  EXPECT_EQ(Bitmap::create(0).error(), "bitmap: data size 0 bytes is not a non-zero multiple of 4096");
  EXPECT_FALSE(Bitmap::create(4097));
  Bitmap bm = make(1 * kMiB);
  EXPECT_EQ(bm.block_count(), 256u);
  EXPECT_EQ(bm.page_count(), 1u);
  EXPECT_EQ(bm.count_set(), 0u);
}

TEST(Bitmap, PartialBlocksCountAsWhole) {
  Bitmap bm = make(1 * kMiB);
  bm.set_range(4095, 2);  // touches blocks 0 and 1
  EXPECT_EQ(set_blocks_of(bm), (std::vector<std::uint64_t>{0, 1}));
  bm.set_range(3 * 4096 + 100, 1);
  EXPECT_TRUE(bm.test(3));
  EXPECT_EQ(bm.count_set(), 3u);
  EXPECT_EQ(bm.out_of_sync_bytes(), 3 * 4096u);
  bm.set_range(0, 0);
  EXPECT_EQ(bm.count_set(), 3u);
}

TEST(Bitmap, RangesAcrossWordBoundaries) {
  Bitmap bm = make(1 * kMiB);
  bm.set_blocks(60, 10);  // 60..69 crosses word 0 -> 1
  EXPECT_EQ(bm.count_set(), 10u);
  EXPECT_FALSE(bm.test(59));
  EXPECT_TRUE(bm.test(63));
  EXPECT_TRUE(bm.test(64));
  EXPECT_FALSE(bm.test(70));
  bm.set_blocks(64, 64);  // a whole word, overlapping: count stays exact
  EXPECT_EQ(bm.count_set(), 4u + 64u);
  bm.clear_blocks(62, 4);
  EXPECT_EQ(bm.count_set(), 64u);
  EXPECT_FALSE(bm.test(63));
  EXPECT_TRUE(bm.test(66));
  bm.set_blocks(0, 256);
  EXPECT_EQ(bm.count_set(), 256u);
  bm.clear_blocks(0, 256);
  EXPECT_EQ(bm.count_set(), 0u);
}

TEST(Bitmap, LastBlockOfOddSizedDevice) {
  Bitmap bm = make(100 * 4096);  // 100 blocks: last word partly used
  bm.set_range(99 * 4096, 4096);
  EXPECT_EQ(bm.find_next_set(0), 99u);
  EXPECT_EQ(bm.find_next_set(100), std::nullopt);
  bm.set_all();
  EXPECT_EQ(bm.count_set(), 100u);
  auto page = bm.page_bytes(0);
  // 100 bits: 12 full bytes, then 4 bits, then zeros.
  EXPECT_EQ(page[11], 0xFF);
  EXPECT_EQ(page[12], 0x0F);
  EXPECT_EQ(page[13], 0x00);
}

TEST(Bitmap, FindNextSetSkipsZeroWords) {
  Bitmap bm = make(4096 * kMiB);  // 1M blocks, 32 pages
  EXPECT_EQ(bm.find_next_set(0), std::nullopt);
  bm.set_blocks(1'000'000, 1);
  bm.set_blocks(64, 1);
  EXPECT_EQ(bm.find_next_set(0), 64u);
  EXPECT_EQ(bm.find_next_set(64), 64u);
  EXPECT_EQ(bm.find_next_set(65), 1'000'000u);
  EXPECT_EQ(bm.find_next_set(1'000'001), std::nullopt);
  EXPECT_EQ(bm.find_next_set(bm.block_count()), std::nullopt);
}

TEST(Bitmap, DirtyPagesTrackChangesOnly) {
  Bitmap bm = make(512 * kMiB);  // 4 pages of 128 MiB each
  ASSERT_EQ(bm.page_count(), 4u);
  EXPECT_TRUE(bm.dirty_pages().empty());
  // The last block of page 0 and the first of page 1.
  bm.set_blocks(kBitsPerPage - 1, 2);
  EXPECT_EQ(bm.dirty_pages(), (std::vector<std::uint64_t>{0, 1}));
  bm.clear_dirty();
  bm.set_blocks(kBitsPerPage - 1, 2);  // no change: nothing dirty
  EXPECT_TRUE(bm.dirty_pages().empty());
  bm.clear_blocks(3 * kBitsPerPage, 10);  // already clear: nothing dirty
  EXPECT_TRUE(bm.dirty_pages().empty());
  bm.set_range(3 * 128 * kMiB, 1);
  EXPECT_EQ(bm.dirty_pages(), (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(bm.page_dirty(3));
}

TEST(Bitmap, PagesRoundTripThroughBytes) {
  Bitmap bm = make(300 * kMiB);  // 3 pages, the last partly used
  bm.set_blocks(0, 1);
  bm.set_blocks(12345, 700);
  bm.set_blocks(bm.block_count() - 1, 1);
  std::vector<std::uint8_t> disk;
  for (std::uint64_t p = 0; p < bm.page_count(); ++p) {
    auto page = bm.page_bytes(p);
    disk.insert(disk.end(), page.begin(), page.end());
  }
  auto back = Bitmap::from_bytes(300 * kMiB, disk);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->count_set(), bm.count_set());
  EXPECT_EQ(set_blocks_of(*back), set_blocks_of(bm));
  EXPECT_TRUE(back->dirty_pages().empty());
  EXPECT_EQ(disk[0], 0x01);  // block 0 is bit 0 of byte 0 (little-endian words)
}

TEST(Bitmap, FromBytesValidatesSizeAndPadding) {
  std::vector<std::uint8_t> disk(4096, 0);
  EXPECT_EQ(Bitmap::from_bytes(1 * kMiB, std::span(disk).first(100)).error(),
            "bitmap: 100 bytes given, a 1048576-byte device needs 4096");
  disk[32] = 0x01;  // block 256 of a 256-block device
  EXPECT_EQ(Bitmap::from_bytes(1 * kMiB, disk).error(),
            "bitmap: bits set past the last block 255 (corrupted bitmap or wrong data size)");
  disk[32] = 0;
  disk[12] = 0x10;  // block 100 of a 100-block device: same word as the last block
  EXPECT_FALSE(Bitmap::from_bytes(100 * 4096, disk));
  EXPECT_TRUE(Bitmap::from_bytes(101 * 4096, disk));
}

TEST(Bitmap, MergeFromPeerIsOr) {
  Bitmap a = make(1 * kMiB), b = make(1 * kMiB);
  a.set_blocks(0, 10);
  b.set_blocks(5, 10);
  a.clear_dirty();
  ASSERT_TRUE(a.merge_from(b));
  EXPECT_EQ(a.count_set(), 15u);
  EXPECT_EQ(a.dirty_pages(), (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(b.count_set(), 10u);
  Bitmap c = make(2 * kMiB);
  EXPECT_EQ(a.merge_from(c).message(), "bitmap merge: peer bitmap covers 2097152 bytes, ours 1048576");
}

}  // namespace
}  // namespace hamail::drbdlite::meta
