// read_device_metadata: the attach steps FileDisk and sim::MemDisk share, on a buffer.
#include "hamail/drbdlite/meta/device_metadata.h"

#include <gtest/gtest.h>

#include <cstring>

namespace hamail::drbdlite::meta {
namespace {

// A metadata device in memory; reads outside it fail like a short device.
struct Buffer {
  std::vector<std::uint8_t> bytes;
  ReadMetadata reader() {
    return [this](std::uint64_t off, std::span<std::uint8_t> into, const std::string& what) -> Status {
      if (off > bytes.size() || into.size() > bytes.size() - off) return Error{"read of " + what + ": past the end"};
      std::memcpy(into.data(), bytes.data() + off, into.size());
      return Status::ok();
    };
  }
};

TEST(DeviceMetadata, ReadsBackWhatCreateMdWrites) {
  const std::uint64_t lower = 16ull << 20;
  auto layout = layout_internal(lower);
  ASSERT_TRUE(layout) << layout.error();
  Buffer dev{std::vector<std::uint8_t>(lower, 0)};
  Superblock sb;
  sb.layout = *layout;
  sb.device_id = 0xAB;
  for (std::uint64_t seq : {1, 2}) {
    sb.seq = seq;
    SuperblockSlot slot = encode_superblock(sb);
    std::memcpy(dev.bytes.data() + layout->superblock_slot_offset(superblock_slot_for(seq)), slot.data(), slot.size());
  }
  auto md = read_device_metadata(dev.reader(), DeviceSizes{lower, lower}, "dev");
  ASSERT_TRUE(md) << md.error();
  EXPECT_EQ(md->sb.seq, 2u);
  EXPECT_EQ(md->sb.device_id, 0xABu);
  EXPECT_EQ(md->bitmap.count_set(), 0u);
  EXPECT_TRUE(md->al.active_extents().empty());
  EXPECT_TRUE(md->problems.empty());
}

TEST(DeviceMetadata, NamesTheDeviceAndWhatIsWrong) {
  Buffer zeros{std::vector<std::uint8_t>(1 << 20, 0)};
  auto md = read_device_metadata(zeros.reader(), DeviceSizes{1 << 20, 1 << 20}, "/dev/x");
  ASSERT_FALSE(md);
  EXPECT_EQ(md.error(), "/dev/x: no valid superblock: slot 0: bad magic, slot 1: bad magic (run `drbdlite create-md` "
                        "for a new device)");
  Buffer tiny{std::vector<std::uint8_t>(4096, 0)};
  md = read_device_metadata(tiny.reader(), DeviceSizes{4096, 4096}, "/dev/y");
  ASSERT_FALSE(md);
  EXPECT_EQ(md.error(), "/dev/y is too small to hold drbd-lite metadata");
}

}  // namespace
}  // namespace hamail::drbdlite::meta
