// MemDisk on its own: what survives which crash, torn metadata found by the real codecs,
// injected errors, ENOSPC, and the same outcome for the same seed.
#include "hamail/drbdlite/sim/mem_disk.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace hamail::drbdlite::sim {
namespace {

constexpr std::uint64_t kId = 0xD15C;

std::unique_ptr<MemDisk> make(MemDiskOptions opts = {}) {
  opts.lower_bytes = 16ull << 20;
  auto d = MemDisk::create(opts, kId);
  EXPECT_TRUE(d) << d.error();
  return d ? std::move(*d) : nullptr;
}

std::string block(char c, std::size_t n = 4096) { return std::string(n, c); }

// A power cut in the middle of writing superblock seq 3 (a new generation) over slot 1.
void power_cut_during_third_superblock(MemDisk& d, std::optional<std::uint64_t> landed_prefix = std::nullopt) {
  auto md = d.attach();
  ASSERT_TRUE(md) << md.error();
  meta::Superblock sb = md->sb;
  sb.seq = 3;
  sb.gen.current = 0xC0FFEE;
  d.crash_during(DiskCall::superblock, CrashKind::power_cut, 1, landed_prefix);
  EXPECT_FALSE(d.write_superblock(sb));
  d.restart();
}

TEST(MemDisk, AFormattedDiskBootsFresh) {
  auto d = make();
  auto md = d->attach();
  ASSERT_TRUE(md) << md.error();
  EXPECT_EQ(md->sb.seq, 2u);
  EXPECT_EQ(md->sb.device_id, kId);
  EXPECT_TRUE(md->sb.gen.fresh());
  EXPECT_EQ(md->bitmap.count_set(), 0u);
  EXPECT_TRUE(md->al.active_extents().empty());
  EXPECT_TRUE(md->problems.empty());
  EXPECT_EQ(d->layout().data_bytes, md->sb.layout.data_bytes);
}

TEST(MemDisk, RejectsAnUnknownSectorSize) {
  MemDiskOptions o;
  o.sector_bytes = 1000;
  auto d = MemDisk::create(o, kId);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), "memdisk: sector_bytes must be 512 or 4096, not 1000");
}

TEST(MemDisk, UnflushedWritesAreReadBackButLostAtAPowerCut) {
  MemDiskOptions o;
  o.power_cut_survival = 0;
  o.power_cut_tear = 0;
  auto d = make(o);
  ASSERT_TRUE(d->write(8192, block('a'), false));
  EXPECT_EQ(*d->read(8192, 4096), block('a'));
  EXPECT_EQ(d->unflushed_writes(), 1u);
  EXPECT_EQ(d->durable_data().substr(8192, 4096), block('\0'));
  d->power_cut();
  EXPECT_TRUE(d->is_down());
  EXPECT_FALSE(d->read(8192, 4096));
  d->restart();
  EXPECT_EQ(*d->read(8192, 4096), block('\0'));
}

TEST(MemDisk, FlushedFuaAndMetadataWritesSurviveAPowerCut) {
  MemDiskOptions o;
  o.power_cut_survival = 0;
  o.power_cut_tear = 0;
  auto d = make(o);
  ASSERT_TRUE(d->write(0, block('a'), false));
  ASSERT_TRUE(d->flush());
  ASSERT_TRUE(d->write(4096, block('b'), true));  // FUA
  ASSERT_TRUE(d->write(8192, block('c'), false));
  ASSERT_TRUE(d->write_al(meta::AlTransaction{1, {0}}));  // fdatasync of the device: flushes 'c' too
  ASSERT_TRUE(d->write(12288, block('d'), false));         // only this one is volatile
  d->power_cut();
  d->restart();
  EXPECT_EQ(d->data().substr(0, 3 * 4096), block('a') + block('b') + block('c'));
  EXPECT_EQ(d->data().substr(12288, 4096), block('\0'));
  auto md = d->attach();
  ASSERT_TRUE(md) << md.error();
  EXPECT_EQ(md->al.active_extents(), std::vector<std::uint32_t>{0});
}

TEST(MemDisk, WithExternalMetadataEachDeviceIsFlushedOnItsOwn) {
  MemDiskOptions o;
  o.power_cut_survival = 0;
  o.power_cut_tear = 0;
  o.external_metadata = true;
  auto d = make(o);
  ASSERT_TRUE(d->write(0, block('a'), false));
  ASSERT_TRUE(d->write_al(meta::AlTransaction{1, {0}}));  // fdatasync of the metadata device only
  ASSERT_TRUE(d->write(4096, block('b'), true));           // FUA: the data device (with 'a')
  ASSERT_TRUE(d->write(8192, block('c'), false));
  auto bm = meta::Bitmap::create(d->layout().data_bytes);
  ASSERT_TRUE(bm);
  bm->set_range(0, 4096);
  ASSERT_TRUE(d->write_bitmap_pages(*bm, {0}));           // durable, 'c' is not
  d->power_cut();
  d->restart();
  EXPECT_EQ(d->data().substr(0, 3 * 4096), block('a') + block('b') + block('\0'));
  auto md = d->attach();
  ASSERT_TRUE(md) << md.error();
  EXPECT_EQ(md->al.active_extents(), std::vector<std::uint32_t>{0});
  EXPECT_EQ(md->bitmap.count_set(), 1u);
  ASSERT_TRUE(d->write(8192, block('c'), false));
  ASSERT_TRUE(d->flush());  // both devices
  d->power_cut();
  d->restart();
  EXPECT_EQ(d->data().substr(8192, 4096), block('c'));
}

TEST(MemDisk, KillKeepsThePageCacheAndALaterPowerCutCanStillLoseIt) {
  MemDiskOptions o;
  o.power_cut_survival = 0;
  o.power_cut_tear = 0;
  auto d = make(o);
  ASSERT_TRUE(d->write(0, block('k'), false));
  d->kill_process();
  EXPECT_FALSE(d->write(4096, block('x'), false)) << "a dead process writes nothing";
  d->restart();
  EXPECT_EQ(*d->read(0, 4096), block('k'));
  d->power_cut();  // still not on the medium
  d->restart();
  EXPECT_EQ(*d->read(0, 4096), block('\0'));
}

TEST(MemDisk, APowerCutDecidesEachUnflushedWriteFromTheSeed) {
  auto outcome = [](std::uint64_t seed) {
    MemDiskOptions o;
    o.seed = seed;
    auto d = make(o);
    for (int i = 0; i < 64; ++i) EXPECT_TRUE(d->write(i * 8192ull, block(static_cast<char>('A' + i % 26), 8192), false));
    d->power_cut();
    d->restart();
    return std::string(d->data().substr(0, 64 * 8192));
  };
  std::string first = outcome(7);
  EXPECT_EQ(first, outcome(7)) << "the same seed gives the same crash";
  EXPECT_NE(first, outcome(8));
  int whole = 0, lost = 0, torn = 0;
  for (int i = 0; i < 64; ++i) {
    std::string w = first.substr(i * 8192, 8192);
    std::size_t n = std::count(w.begin(), w.end(), static_cast<char>('A' + i % 26));
    (n == w.size() ? whole : n == 0 ? lost : torn)++;
    for (std::size_t s = 0; s < w.size(); s += 512)  // a 512-byte sector is atomic: whole or not at all
      EXPECT_TRUE(w.substr(s, 512) == std::string(512, w[s]));
  }
  EXPECT_GT(whole, 0);
  EXPECT_GT(lost, 0);
  EXPECT_GT(torn, 0);
}

TEST(MemDisk, ATornSuperblockWriteBootsFromTheOtherSlot) {
  auto d = make();
  power_cut_during_third_superblock(*d);
  auto md = d->attach();
  ASSERT_TRUE(md) << md.error();
  EXPECT_EQ(md->sb.seq, 2u) << "the torn slot 1 fails its CRC; slot 0 holds seq 2";
  EXPECT_TRUE(md->sb.gen.fresh());
}

TEST(MemDisk, AnInterruptedWriteOfOneAtomicSectorLandsWholeOrNotAtAll) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    MemDiskOptions o;
    o.sector_bytes = 4096;
    o.seed = seed;
    auto d = make(o);
    power_cut_during_third_superblock(*d);
    auto md = d->attach();
    ASSERT_TRUE(md) << md.error();
    EXPECT_TRUE(md->sb.seq == 3 || md->sb.seq == 2) << md->sb.seq;
  }
}

TEST(MemDisk, ATornActivityLogRecordIsFoundByItsCrcAndNeverUsed) {
  // Slot 2 holds seq 2 from the ring's first lap when seq 10 tears over it. Which sectors
  // land is the seed's choice; the two records differ only in their first and last sector
  // (header, CRC), so the slot ends as the old record, the whole new one, or a mix that
  // the CRC rejects. Recovery then uses seq 10 complete, or seq 9: never a mix.
  int detected = 0, old_kept = 0, new_whole = 0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    MemDiskOptions o;
    o.seed = seed;
    auto d = make(o);
    for (std::uint64_t seq = 1; seq <= 9; ++seq) ASSERT_TRUE(d->write_al(meta::AlTransaction{seq, {0, 1}}));
    d->crash_during(DiskCall::activity_log, CrashKind::power_cut);
    EXPECT_FALSE(d->write_al(meta::AlTransaction{10, {0, 1, 3}}));
    d->restart();
    auto md = d->attach();
    ASSERT_TRUE(md) << md.error();
    if (md->al.next_seq() == 11) {
      EXPECT_EQ(md->al.active_extents(), (std::vector<std::uint32_t>{0, 1, 3}));
      ++new_whole;
    } else {
      EXPECT_EQ(md->al.next_seq(), 10u) << "seed " << seed;
      EXPECT_EQ(md->al.active_extents(), (std::vector<std::uint32_t>{0, 1}));
    }
    if (md->problems.empty()) {
      old_kept += md->al.next_seq() == 10;
      continue;
    }
    ASSERT_EQ(md->problems.size(), 1u);
    EXPECT_EQ(md->problems[0], "slot 2: CRC mismatch");
    ++detected;
  }
  EXPECT_GT(detected, 0);
  EXPECT_GT(old_kept, 0);
  EXPECT_GT(new_whole, 0);
}

TEST(MemDisk, AnInterruptedWriteCanBeTornAtAChosenSector) {
  auto d = make();
  power_cut_during_third_superblock(*d, 512);  // the header sector lands, the CRC's does not
  std::uint64_t slot1 = d->layout().superblock_slot_offset(1);
  auto torn = meta::decode_superblock(
      std::span(reinterpret_cast<const std::uint8_t*>(d->medium().data()) + slot1, meta::kPageBytes),
      meta::DeviceSizes{16ull << 20, 16ull << 20});
  ASSERT_FALSE(torn);
  EXPECT_EQ(torn.error(), "CRC mismatch");
  auto md = d->attach();
  ASSERT_TRUE(md) << md.error();
  EXPECT_EQ(md->sb.seq, 2u);
}

TEST(MemDisk, KillInTheMiddleOfAFlushLosesNothing) {
  auto d = make();
  ASSERT_TRUE(d->write(0, block('f'), false));
  d->crash_during(DiskCall::flush, CrashKind::process_kill);
  EXPECT_FALSE(d->flush());
  d->restart();
  EXPECT_EQ(*d->read(0, 4096), block('f'));
}

TEST(MemDisk, TheNthCallIsTheOneInterrupted) {
  auto d = make();
  d->crash_during(DiskCall::data_write, CrashKind::process_kill, 3);
  EXPECT_TRUE(d->write(0, block('1'), false));
  EXPECT_TRUE(d->flush());
  EXPECT_TRUE(d->write(4096, block('2'), false));
  EXPECT_FALSE(d->write(8192, block('3'), false));
  EXPECT_TRUE(d->is_down());
}

TEST(MemDisk, ReadAndWriteErrorsByRange) {
  auto d = make();
  d->fail_reads(4096, 4096);
  d->fail_writes(1 << 20, 1);
  auto r = d->read(0, 8192);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "read of memdisk at 0: Input/output error");
  EXPECT_TRUE(d->read(0, 4096));
  Status st = d->write((1 << 20) - 512, block('w', 1024), false);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "write of memdisk at 1048064: Input/output error");
  EXPECT_EQ(d->data().substr((1 << 20) - 512, 1024), block('\0', 1024)) << "a failed write changes nothing";
  d->clear_errors();
  EXPECT_TRUE(d->read(0, 8192));
  EXPECT_TRUE(d->write((1 << 20) - 512, block('w', 1024), false));
}

TEST(MemDisk, MetadataWritesFailInTheirRangeToo) {
  auto d = make();
  d->fail_writes(d->layout().al_offset, d->layout().al_slots * meta::kPageBytes);
  Status st = d->write_al(meta::AlTransaction{1, {0}});
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("write of memdisk activity log at"), std::string::npos) << st.message();
  d->fail_flushes(true);
  st = d->flush();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "fdatasync of memdisk: Input/output error");
}

TEST(MemDisk, SeededErrorProbability) {
  auto failures = [](std::uint64_t seed) {
    MemDiskOptions o;
    o.seed = seed;
    auto d = make(o);
    d->set_error_probability(0.3, 0);
    std::string pattern;
    for (int i = 0; i < 200; ++i) pattern += d->read(0, 512) ? '.' : 'E';
    return pattern;
  };
  std::string p = failures(3);
  EXPECT_EQ(p, failures(3));
  auto errors = std::count(p.begin(), p.end(), 'E');
  EXPECT_GT(errors, 30);
  EXPECT_LT(errors, 100);
}

TEST(MemDisk, AFullFilesystemFailsWritesThatAllocateAndADiscardFreesSpace) {
  auto layout = meta::layout_internal(16ull << 20);
  ASSERT_TRUE(layout);
  MemDiskOptions o;
  o.space_bytes = (16ull << 20) - layout->bitmap_offset + 3 * 4096;  // the metadata and three data blocks
  auto d = make(o);
  ASSERT_TRUE(d->write(0, block('a', 3 * 4096), false));
  ASSERT_TRUE(d->write(4096, block('b'), false)) << "overwriting allocated blocks needs no space";
  Status st = d->write(1 << 20, block('c'), false);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "write of memdisk at 1048576: No space left on device");
  ASSERT_TRUE(d->discard(0, 4096, true, false));
  EXPECT_TRUE(d->write(1 << 20, block('c'), false));
}

TEST(MemDisk, TheWriteCacheIsBoundedTheOldestWritesReachTheMedium) {
  MemDiskOptions o;
  o.write_cache_bytes = 16384;
  auto d = make(o);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(d->write(i * 4096ull, block(static_cast<char>('0' + i)), false));
  EXPECT_EQ(d->unflushed_writes(), 4u);
  EXPECT_EQ(d->durable_data().substr(0, 8192), block('0') + block('1'));
  EXPECT_EQ(d->durable_data().substr(8192, 4096), block('\0'));
}

TEST(MemDisk, RequestsOutsideTheDataAreaAreRefused) {
  auto d = make();
  std::uint64_t end = d->layout().data_bytes;
  EXPECT_FALSE(d->read(end - 4096, 8192));
  EXPECT_FALSE(d->write(end, block('x'), false));
  EXPECT_FALSE(d->discard(end - 4096, 8192, true, false));
}

}  // namespace
}  // namespace hamail::drbdlite::sim
