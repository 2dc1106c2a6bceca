#include "hamail/drbdlite/meta/al_record.h"

#include <gtest/gtest.h>

#include <vector>

namespace hamail::drbdlite::meta {
namespace {

constexpr std::uint64_t kDevice = 0xABCDEF0123456789ull;
const AlRecordLimits kLimits{kDevice, 256, 257};
constexpr std::uint32_t kSlots = 8;

std::vector<std::uint8_t> ring_with(const std::vector<AlTransaction>& txs) {
  std::vector<std::uint8_t> ring(kSlots * kPageBytes, 0);
  for (const auto& tx : txs) {
    AlRecord rec = encode_al_record(tx, kDevice);
    std::copy(rec.begin(), rec.end(), ring.begin() + al_slot_for(tx.seq, kSlots) * kPageBytes);
  }
  return ring;
}

TEST(MetaAlRecord, RoundTrip) {
  AlTransaction tx{7, {0, 1, 5, 255}};
  AlRecord rec = encode_al_record(tx, kDevice);
  auto back = decode_al_record(rec, kLimits);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, tx);
}

TEST(MetaAlRecord, FullSetOfThousandExtentsFits) {
  AlTransaction tx{1, {}};
  for (std::uint32_t e = 0; e < 1000; ++e) tx.extents.push_back(e * 3);
  auto back = decode_al_record(encode_al_record(tx, kDevice), AlRecordLimits{kDevice, 3000, 1000});
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->extents.size(), 1000u);
}

TEST(MetaAlRecord, EveryByteIsProtected) {
  AlRecord good = encode_al_record(AlTransaction{3, {1, 2, 3}}, kDevice);
  for (std::size_t i = 0; i < good.size(); ++i) {
    AlRecord bad = good;
    bad[i] ^= 0x01;
    EXPECT_FALSE(decode_al_record(bad, kLimits)) << "flipped byte " << i;
  }
}

TEST(MetaAlRecord, RejectsRecordsOfOtherDevicesAndBadExtents) {
  AlRecord rec = encode_al_record(AlTransaction{3, {1}}, 42);
  EXPECT_EQ(decode_al_record(rec, kLimits).error(),
            "record of another device (id 0x2a, this device is 0xabcdef0123456789)");
  EXPECT_EQ(decode_al_record(encode_al_record(AlTransaction{3, {256}}, kDevice), kLimits).error(),
            "extent 256 is past the end of the data area (256 extents)");
  std::vector<std::uint32_t> many(20);
  for (std::uint32_t i = 0; i < 20; ++i) many[i] = i;
  EXPECT_EQ(decode_al_record(encode_al_record(AlTransaction{3, many}, kDevice), AlRecordLimits{kDevice, 256, 16}).error(),
            "extent count 20 is more than max al extents 16");
}

TEST(MetaAlRecord, RecoveryPicksHighestValidSeq) {
  auto ring = ring_with({{9, {1}}, {10, {1, 2}}, {11, {1, 2, 3}}, {12, {2, 3}}});
  auto rec = recover_al(ring, kSlots, kLimits);
  ASSERT_TRUE(rec) << rec.error();
  EXPECT_EQ(rec->latest, (AlTransaction{12, {2, 3}}));
  EXPECT_TRUE(rec->problems.empty());
}

TEST(MetaAlRecord, RecoverySkipsTornNewestRecord) {
  auto ring = ring_with({{10, {1, 2}}, {11, {1, 2, 3}}, {12, {2, 3}}});
  ring[al_slot_for(12, kSlots) * kPageBytes + 40] ^= 0xFF;  // torn write of seq 12
  auto rec = recover_al(ring, kSlots, kLimits);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->latest, (AlTransaction{11, {1, 2, 3}}));
  EXPECT_EQ(rec->problems, std::vector<std::string>{"slot 4: CRC mismatch"});
}

TEST(MetaAlRecord, RecoveryAfterWrapAround) {
  std::vector<AlTransaction> txs;
  for (std::uint64_t s = 1; s <= 21; ++s) txs.push_back({s, {static_cast<std::uint32_t>(s)}});
  auto rec = recover_al(ring_with(txs), kSlots, kLimits);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->latest.seq, 21u);
}

TEST(MetaAlRecord, EmptyRingAndMisplacedRecords) {
  std::vector<std::uint8_t> ring(kSlots * kPageBytes, 0);
  auto rec = recover_al(ring, kSlots, kLimits);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->latest.seq, 0u);
  EXPECT_TRUE(rec->latest.extents.empty());
  EXPECT_TRUE(rec->problems.empty());
  // A record written into the wrong slot is not trusted.
  AlRecord r = encode_al_record(AlTransaction{5, {1}}, kDevice);
  std::copy(r.begin(), r.end(), ring.begin());
  rec = recover_al(ring, kSlots, kLimits);
  EXPECT_EQ(rec->latest.seq, 0u);
  EXPECT_EQ(rec->problems, std::vector<std::string>{"slot 0: holds seq 5 which belongs in slot 5"});
  EXPECT_EQ(recover_al(std::span(ring).first(100), kSlots, kLimits).error(),
            "AL ring is 100 bytes, expected 8 slots of 4096");
}

}  // namespace
}  // namespace hamail::drbdlite::meta
