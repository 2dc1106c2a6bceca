#include "hamail/drbdlite/meta/metadata_layout.h"

#include <gtest/gtest.h>

namespace hamail::drbdlite::meta {
namespace {

constexpr std::uint64_t kKiB = 1024, kMiB = 1024 * kKiB, kGiB = 1024 * kMiB;

MetadataLayout internal(std::uint64_t lower, LayoutOptions o = {}) {
  auto l = layout_internal(lower, o);
  EXPECT_TRUE(l) << l.error();
  return l ? *l : MetadataLayout{};
}

TEST(Layout, InternalOneGiB) {
  MetadataLayout l = internal(1 * kGiB);
  EXPECT_EQ(l.kind, MetaKind::internal);
  EXPECT_EQ(l.bitmap_bytes, 32 * kKiB);  // 8 pages of 128 MiB
  EXPECT_EQ(l.metadata_bytes(), 72 * kKiB);
  EXPECT_EQ(l.data_bytes, 1 * kGiB - 72 * kKiB);
  EXPECT_EQ(l.superblock_offset, 1 * kGiB - 8 * kKiB);
  EXPECT_EQ(l.superblock_slot_offset(1), 1 * kGiB - 4 * kKiB);
  EXPECT_EQ(l.al_offset, 1 * kGiB - 40 * kKiB);
  EXPECT_EQ(l.al_slot_offset(7), 1 * kGiB - 12 * kKiB);
  EXPECT_EQ(l.bitmap_offset, 1 * kGiB - 72 * kKiB);
  EXPECT_EQ(l.bitmap_page_offset(1), l.bitmap_offset + 4 * kKiB);
  EXPECT_TRUE(validate_layout(l, 1 * kGiB, 1 * kGiB));
}

TEST(Layout, InternalIsMaximalAndValidForManySizes) {
  for (std::uint64_t lower : {64 * kKiB, 1 * kMiB + 123, 128 * kMiB, 128 * kMiB + 4 * kKiB, 128 * kMiB + 40 * kKiB,
                              128 * kMiB + 48 * kKiB, 3 * kGiB + 7, 1000 * kGiB, 4096 * kGiB + 1}) {
    MetadataLayout l = internal(lower);
    const std::uint64_t end = round_down(lower, 4096);
    EXPECT_EQ(l.superblock_offset + 8 * kKiB, end) << lower;
    EXPECT_LE(l.data_bytes, l.bitmap_offset) << lower;
    EXPECT_EQ(l.bitmap_bytes, bitmap_bytes_for(l.data_bytes)) << lower;
    // One more block would not fit with its own bitmap.
    const std::uint64_t bigger = l.data_bytes + 4096;
    EXPECT_GT(bigger + bitmap_bytes_for(bigger) + 40 * kKiB, end) << lower;
    EXPECT_TRUE(validate_layout(l, lower, lower)) << lower;
  }
}

TEST(Layout, InternalTooSmall) {
  EXPECT_EQ(layout_internal(40 * kKiB).error(),
            "lower device is 40960 bytes, smaller than the 49152 bytes internal metadata needs "
            "(45056 bytes of metadata + one 4096-byte block)");
  EXPECT_TRUE(layout_internal(48 * kKiB));
  EXPECT_EQ(internal(48 * kKiB).data_bytes, 4096u);
}

TEST(Layout, ConfiguredSize) {
  MetadataLayout l = internal(1 * kGiB, {.data_bytes = 100 * kMiB});
  EXPECT_EQ(l.data_bytes, 100 * kMiB);
  EXPECT_EQ(l.bitmap_bytes, 4 * kKiB);
  EXPECT_EQ(l.superblock_offset, 1 * kGiB - 8 * kKiB);  // metadata stays at the end
  EXPECT_TRUE(validate_layout(l, 1 * kGiB, 1 * kGiB));
  EXPECT_EQ(layout_internal(1 * kGiB, {.data_bytes = 1 * kGiB}).error(),
            "configured size 1073741824 bytes is larger than the 1073668096 bytes that fit on the lower device of "
            "1073741824 bytes with internal metadata");
  EXPECT_EQ(layout_internal(1 * kGiB, {.data_bytes = 1000}).error(),
            "configured size 1000 bytes is not a non-zero multiple of 4096");
  EXPECT_EQ(layout_internal(1 * kGiB, {.al_slots = 1}).error(), "al_slots 1 is outside 2..256");
  EXPECT_EQ(layout_internal(~0ull).error(),
            "lower device of 18446744073709551615 bytes is larger than the supported 1152921504606846976");
}

TEST(Layout, External) {
  auto l = layout_external(10 * kGiB + 100, 1 * kMiB);
  ASSERT_TRUE(l) << l.error();
  EXPECT_EQ(l->kind, MetaKind::external);
  EXPECT_EQ(l->data_bytes, 10 * kGiB);  // the whole lower device
  EXPECT_EQ(l->bitmap_bytes, 320 * kKiB);
  EXPECT_EQ(l->superblock_offset, 1 * kMiB - 8 * kKiB);  // end of the meta device
  EXPECT_EQ(l->bitmap_offset, 1 * kMiB - 360 * kKiB);
  EXPECT_TRUE(validate_layout(*l, 1 * kMiB, 10 * kGiB + 100));
  EXPECT_EQ(layout_external(10 * kGiB, 100 * kKiB).error(),
            "metadata device is 102400 bytes, smaller than the 368640 bytes needed for a 10737418240-byte data area");
  EXPECT_EQ(layout_external(10 * kGiB, 1 * kMiB, {.data_bytes = 11 * kGiB}).error(),
            "configured size 11811160064 bytes is larger than the lower device of 10737418240 bytes");
  EXPECT_EQ(layout_external(100, 1 * kMiB).error(), "lower device is 100 bytes, smaller than one 4096-byte block");
}

TEST(Layout, ValidateNamesTheBadField) {
  const MetadataLayout good = internal(1 * kGiB);
  auto check = [&](auto mutate, std::uint64_t meta = 1 * kGiB, std::uint64_t lower = 1 * kGiB) {
    MetadataLayout l = good;
    mutate(l);
    Status s = validate_layout(l, meta, lower);
    return s ? std::string("ok") : s.message();
  };
  EXPECT_EQ(check([](MetadataLayout&) {}), "ok");
  EXPECT_EQ(check([](MetadataLayout&) {}, 512 * kMiB, 512 * kMiB),
            "metadata device is 536870912 bytes, but the superblock was written for 1073741824 bytes");
  EXPECT_EQ(check([](MetadataLayout& l) { l.bitmap_offset = 3 * kGiB; }),
            "bitmap offset 3221225472 is outside the metadata device of 1073741824 bytes");
  EXPECT_EQ(check([](MetadataLayout& l) { l.al_offset += 1; }), "al offset 1073700865 is not 4096-aligned");
  EXPECT_EQ(check([](MetadataLayout& l) { l.data_bytes += 128 * kMiB; }),
            "bitmap size 32768 bytes does not match the data size (expected 36864)");
  EXPECT_EQ(check([](MetadataLayout& l) { l.data_bytes = 0; }), "data size 0 bytes is not a non-zero multiple of 4096");
  EXPECT_EQ(check([](MetadataLayout& l) { l.al_slots = 9; }),
            "al offset 1073700864 + 9 slots does not end at the superblock offset 1073733632");
  EXPECT_EQ(check([](MetadataLayout& l) { l.kind = static_cast<MetaKind>(7); }),
            "metadata kind 7 is neither internal (0) nor external (1)");
  EXPECT_EQ(check([](MetadataLayout& l) { l.bitmap_offset -= 4096; }),
            "bitmap offset 1073664000 + 32768 bytes does not end at the al offset 1073700864");
  EXPECT_EQ(check([](MetadataLayout& l) { l.superblock_offset = 1 * kGiB - 4096; }),
            "superblock offset 1073737728 leaves no room for two slots on a 1073741824-byte metadata device");
  // Data running into the metadata; an external data area larger than the lower device.
  EXPECT_EQ(check([](MetadataLayout& l) { l.data_bytes = 1 * kGiB; }),  // same 8-page bitmap
            "data size 1073741824 bytes overlaps the internal metadata starting at 1073668096");
  auto ext = layout_external(1 * kGiB, 1 * kMiB);
  ASSERT_TRUE(ext);
  EXPECT_EQ(validate_layout(*ext, 1 * kMiB, 512 * kMiB).message(),
            "data size 1073741824 bytes is larger than the lower device of 536870912 bytes");
}

}  // namespace
}  // namespace hamail::drbdlite::meta
