#include "hamail/drbdlite/meta/superblock.h"

#include <gtest/gtest.h>

#include "hamail/drbdlite/meta/crc32c.h"
#include "hamail/drbdlite/meta/le_bytes.h"

namespace hamail::drbdlite::meta {
namespace {

constexpr std::uint64_t kGiB = 1ull << 30;
const DeviceSizes kDev{kGiB, kGiB};

Superblock sample(std::uint64_t seq = 5) {
  Superblock sb;
  sb.seq = seq;
  sb.flags = kFlagConsistent | kFlagWasUpToDate | kFlagInitialSyncDone;
  sb.gen = GenerationIds{0x1111, 0x2222, {0x3333, 0x4444}};
  sb.device_id = 0xD1CE;
  auto l = layout_internal(kGiB);
  EXPECT_TRUE(l);
  sb.layout = *l;
  return sb;
}

// Rewrites the CRC after a deliberate field change, so the field check itself is tested.
SuperblockSlot resealed(SuperblockSlot s) {
  put_le(s, kPageBytes - 4, crc32c(std::span<const std::uint8_t>(s).first(kPageBytes - 4)), 4);
  return s;
}

std::string decode_error(const SuperblockSlot& s, DeviceSizes dev = kDev) {
  auto r = decode_superblock(s, dev);
  return r ? "ok" : r.error();
}

TEST(MetaSuperblock, RoundTrip) {
  Superblock sb = sample();
  sb.set(kFlagPrimaryUnclean, true);
  SuperblockSlot slot = encode_superblock(sb);
  EXPECT_EQ(std::string(slot.begin(), slot.begin() + 8), "DRBDLITE");
  auto back = decode_superblock(slot, kDev);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, sb);
  EXPECT_TRUE(back->has(kFlagPrimaryUnclean));
  back->set(kFlagPrimaryUnclean, false);
  EXPECT_FALSE(back->has(kFlagPrimaryUnclean));
  EXPECT_TRUE(back->has(kFlagConsistent));
}

TEST(MetaSuperblock, EveryByteFlipIsDetectedAndTheOtherSlotWins) {
  const Superblock older = sample(6), newer = sample(7);
  const SuperblockSlot good_old = encode_superblock(older), good_new = encode_superblock(newer);
  ASSERT_EQ(superblock_slot_for(7), 1);
  for (std::size_t i = 0; i < kPageBytes; ++i) {
    for (std::uint8_t bit : {0x01, 0x80}) {
      SuperblockSlot torn = good_new;
      torn[i] ^= bit;
      EXPECT_FALSE(decode_superblock(torn, kDev)) << "byte " << i;
      auto picked = decode_superblocks(good_old, torn, kDev);
      ASSERT_TRUE(picked) << picked.error();
      EXPECT_EQ(picked->seq, 6u) << "byte " << i;
    }
  }
}

TEST(MetaSuperblock, PicksHighestSeq) {
  SuperblockSlot s8 = encode_superblock(sample(8)), s9 = encode_superblock(sample(9));
  EXPECT_EQ(decode_superblocks(s8, s9, kDev)->seq, 9u);
  EXPECT_EQ(decode_superblocks(s9, s8, kDev)->seq, 9u);
}

TEST(MetaSuperblock, NeitherSlotValid) {
  SuperblockSlot zero{};
  SuperblockSlot torn = encode_superblock(sample());
  torn[200] ^= 1;
  EXPECT_EQ(decode_superblocks(zero, torn, kDev).error(), "no valid superblock: slot 0: bad magic, slot 1: CRC mismatch");
}

TEST(MetaSuperblock, WrongVersionAndSizes) {
  SuperblockSlot s = encode_superblock(sample());
  s[8] = 2;
  EXPECT_EQ(decode_error(s), "unsupported format version 2 (this build reads 1)");
  s = encode_superblock(sample());
  put_le(s, 12, 512, 4);
  EXPECT_EQ(decode_error(resealed(s)), "block size 512 is not 4096");
  s = encode_superblock(sample());
  put_le(s, 80, 1 << 20, 4);
  EXPECT_EQ(decode_error(resealed(s)), "al extent size 1048576 is not 4194304");
  EXPECT_EQ(decode_error(encode_superblock(sample()), DeviceSizes{kGiB / 2, kGiB / 2}),
            "metadata device is 536870912 bytes, but the superblock was written for 1073741824 bytes");
  EXPECT_EQ(decode_superblock(std::span(s).first(512), kDev).error(), "superblock slot is 512 bytes, expected 4096");
}

TEST(MetaSuperblock, FieldChecksNameTheField) {
  Superblock sb = sample();
  sb.flags |= 1u << 20;
  EXPECT_EQ(decode_error(encode_superblock(sb)), "unknown flag bits 0x100000");
  sb = sample();
  sb.max_al_extents = 5000;
  EXPECT_EQ(decode_error(encode_superblock(sb)), "max al extents 5000 is outside 16..1000");
  sb = sample();
  sb.device_id = 0;
  EXPECT_EQ(decode_error(encode_superblock(sb)), "device id is 0");
  sb = sample();
  sb.gen = GenerationIds{0, 0x55, {}};
  EXPECT_EQ(decode_error(encode_superblock(sb)), "generation ids: bitmap id set on a fresh device");
  sb = sample();
  sb.layout.al_offset = 5 * kGiB;
  EXPECT_EQ(decode_error(encode_superblock(sb)), "al offset 5368709120 is outside the metadata device of 1073741824 bytes");
  sb = sample();
  sb.layout.data_bytes = 2 * kGiB;
  sb.layout.bitmap_bytes = bitmap_bytes_for(sb.layout.data_bytes);
  sb.layout.bitmap_offset = sb.layout.al_offset - sb.layout.bitmap_bytes;
  EXPECT_EQ(decode_error(encode_superblock(sb)),
            "data size 2147483648 bytes overlaps the internal metadata starting at 1073635328");
  SuperblockSlot s = encode_superblock(sample());
  s[3000] = 7;
  EXPECT_EQ(decode_error(resealed(s)), "reserved byte 3000 is not zero");
}

TEST(MetaSuperblock, ExternalLowerDeviceSmallerThanData) {
  Superblock sb = sample();
  auto l = layout_external(kGiB, 1 << 20);
  ASSERT_TRUE(l);
  sb.layout = *l;
  SuperblockSlot s = encode_superblock(sb);
  EXPECT_EQ(decode_error(s, DeviceSizes{1 << 20, kGiB}), "ok");
  EXPECT_EQ(decode_error(s, DeviceSizes{1 << 20, kGiB / 4}),
            "data size 1073741824 bytes is larger than the lower device of 268435456 bytes");
}

}  // namespace
}  // namespace hamail::drbdlite::meta
