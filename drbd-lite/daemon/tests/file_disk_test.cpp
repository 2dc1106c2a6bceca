#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "hamail/drbdlite/daemon/file_disk.h"

namespace hamail::drbdlite {
namespace {

class FileDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/filedisk-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    lower_ = dir_ + "/lower.img";
    make_file(lower_, 16 << 20);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  static void make_file(const std::string& path, off_t size) {
    int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, size), 0);
    ::close(fd);
  }
  static void overwrite(const std::string& path, off_t off, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), off), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }

  std::string dir_, lower_;
};

TEST_F(FileDiskTest, CreateThenAttachInternalMetadata) {
  ASSERT_TRUE(FileDisk::create_metadata({lower_, {}, {}}, 42, false));
  auto a = FileDisk::attach({lower_, {}, {}});
  ASSERT_TRUE(a) << a.error();
  auto& [disk, md] = *a;
  EXPECT_EQ(md.sb.device_id, 42u);
  EXPECT_TRUE(md.sb.gen.fresh());
  EXPECT_EQ(md.bitmap.count_set(), 0u);
  EXPECT_LT(md.sb.layout.data_bytes, 16u << 20);
  EXPECT_GT(md.sb.layout.data_bytes, 15u << 20);
  // Data round trip, and data writes never touch the metadata area.
  ASSERT_TRUE(disk->write(4096, std::string(8192, 'q'), true));
  auto r = disk->read(4096, 8192);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, std::string(8192, 'q'));
}

TEST_F(FileDiskTest, AFlushSyncsOnlyWhatChangedSinceTheLastSync) {
  for (bool external : {false, true}) {
    std::string meta = dir_ + "/meta.img";
    if (external) make_file(meta, 4 << 20);
    DiskPaths paths{lower_, external ? std::optional<std::string>(meta) : std::nullopt, {}};
    ASSERT_TRUE(FileDisk::create_metadata(paths, 9, true));
    auto a = FileDisk::attach(paths);
    ASSERT_TRUE(a) << a.error();
    FileDisk& disk = *a->first;
    const std::uint64_t start = disk.fdatasyncs();
    ASSERT_TRUE(disk.flush());
    EXPECT_EQ(disk.fdatasyncs(), start) << "nothing written since attach: external=" << external;
    ASSERT_TRUE(disk.write(8192, std::string(4096, 'a'), false));
    ASSERT_TRUE(disk.flush());
    EXPECT_EQ(disk.fdatasyncs(), start + 1) << "external=" << external;
    ASSERT_TRUE(disk.flush());
    ASSERT_TRUE(disk.flush());
    EXPECT_EQ(disk.fdatasyncs(), start + 1) << "coalesced flushes cost nothing: external=" << external;
    ASSERT_TRUE(disk.write(8192, std::string(4096, 'b'), true));  // FUA: synced at once
    ASSERT_TRUE(disk.flush());
    EXPECT_EQ(disk.fdatasyncs(), start + 2) << "external=" << external;
    ASSERT_TRUE(disk.discard(0, 4096, true, false));
    ASSERT_TRUE(disk.flush());
    EXPECT_EQ(disk.fdatasyncs(), start + 3) << "a discard changes blocks too: external=" << external;
    ASSERT_TRUE(disk.write_superblock(a->second.sb));  // metadata writes sync themselves
    const std::uint64_t after_sb = disk.fdatasyncs();
    ASSERT_TRUE(disk.flush());
    EXPECT_EQ(disk.fdatasyncs(), after_sb) << "external=" << external;
  }
}

TEST_F(FileDiskTest, SuperblockAndBitmapPersist) {
  ASSERT_TRUE(FileDisk::create_metadata({lower_, {}, {}}, 7, false));
  {
    auto a = FileDisk::attach({lower_, {}, {}});
    ASSERT_TRUE(a) << a.error();
    auto& [disk, md] = *a;
    md.sb.gen.current = 0x1234;
    md.sb.seq += 1;
    ASSERT_TRUE(disk->write_superblock(md.sb));
    md.bitmap.set_range(8192, 4096);
    ASSERT_TRUE(disk->write_bitmap_pages(md.bitmap, md.bitmap.dirty_pages()));
    meta::AlTransaction tx{1, {0, 2}};
    ASSERT_TRUE(disk->write_al(tx));
  }
  auto a = FileDisk::attach({lower_, {}, {}});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->second.sb.gen.current, 0x1234u);
  EXPECT_TRUE(a->second.bitmap.test(2));
  EXPECT_EQ(a->second.bitmap.count_set(), 1u);
  EXPECT_EQ(a->second.al.active_extents(), (std::vector<std::uint32_t>{0, 2}));
}

TEST_F(FileDiskTest, CreateRefusesToOverwriteValidMetadata) {
  ASSERT_TRUE(FileDisk::create_metadata({lower_, {}, {}}, 1, false));
  Status st = FileDisk::create_metadata({lower_, {}, {}}, 2, false);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("already holds drbd-lite metadata: use --force"), std::string::npos) << st.message();
  EXPECT_TRUE(FileDisk::create_metadata({lower_, {}, {}}, 2, true));
}

TEST_F(FileDiskTest, CorruptedSuperblocksAreRefusedWithAClearError) {
  ASSERT_TRUE(FileDisk::create_metadata({lower_, {}, {}}, 1, false));
  overwrite(lower_, (16 << 20) - 8192, std::string(8192, 'X'));
  auto a = FileDisk::attach({lower_, {}, {}});
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().find("no valid superblock"), std::string::npos) << a.error();
  EXPECT_NE(a.error().find(lower_), std::string::npos) << a.error();
}

TEST_F(FileDiskTest, OneTornSuperblockSlotFallsBackToTheOther) {
  ASSERT_TRUE(FileDisk::create_metadata({lower_, {}, {}}, 1, false));
  overwrite(lower_, (16 << 20) - 4096 + 100, "garbage");
  auto a = FileDisk::attach({lower_, {}, {}});
  ASSERT_TRUE(a) << a.error();
}

TEST_F(FileDiskTest, MissingDeviceIsNamed) {
  auto a = FileDisk::attach({dir_ + "/nope.img", {}, {}});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), "cannot open " + dir_ + "/nope.img: No such file or directory");
}

TEST_F(FileDiskTest, TooSmallLowerDeviceIsRefused) {
  std::string tiny = dir_ + "/tiny.img";
  make_file(tiny, 16384);
  Status st = FileDisk::create_metadata({tiny, {}, {}}, 1, false);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("16384"), std::string::npos) << st.message();
}

TEST_F(FileDiskTest, ConfiguredSizeLargerThanTheDeviceIsRefused) {
  Status st = FileDisk::create_metadata({lower_, {}, std::uint64_t{64} << 20}, 1, false);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find(std::to_string(64 << 20)), std::string::npos) << st.message();
}

TEST_F(FileDiskTest, ExternalMetadata) {
  std::string meta = dir_ + "/meta.img";
  make_file(meta, 1 << 20);
  ASSERT_TRUE(FileDisk::create_metadata({lower_, meta, {}}, 9, false));
  auto a = FileDisk::attach({lower_, meta, {}});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->second.sb.layout.data_bytes, 16u << 20);  // the whole lower device
}

}  // namespace
}  // namespace hamail::drbdlite
