// MemDisk: a LocalDisk in memory that fails like a real one, deterministic under a seed: a
// volatile write cache lost at a power cut, torn sector writes, metadata as the real on-disk
// records (FileDisk's layout and codecs), EIO by range or chance, ENOSPC. See drbd-lite/README.md.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/drbdlite/core/local_disk.h"
#include "hamail/drbdlite/meta/activity_log.h"
#include "hamail/drbdlite/meta/bitmap.h"
#include "hamail/drbdlite/meta/device_metadata.h"
#include "hamail/drbdlite/meta/metadata_layout.h"
#include "hamail/drbdlite/meta/superblock.h"
#include "hamail/drbdlite/sim/seeded_random.h"

namespace hamail::drbdlite::sim {

struct MemDiskOptions {
  std::string name = "memdisk";                    // names the device in error messages
  std::uint64_t lower_bytes = 64ull << 20;         // the lower device; its metadata is internal, at the end
  std::uint64_t seed = 1;                          // every random outcome derives from it
  std::uint32_t sector_bytes = 512;                // the device's atomic write unit: 512 or 4096
  std::uint64_t write_cache_bytes = 16ull << 20;   // unflushed bytes held; past it the oldest reach the medium
  // At a power cut each unflushed write reaches the medium whole (survival), torn (a
  // proper subset of its sectors), or not at all (the rest).
  double power_cut_survival = 0.5;
  double power_cut_tear = 0.25;
  std::optional<std::uint64_t> space_bytes;        // a sparse lower file with this much room: ENOSPC past it
  // The metadata on a device of its own (FileDisk with `meta:` set): a metadata write
  // flushes only the metadata device and a FUA data write only the data device, as
  // fdatasync() of one descriptor does; flush() flushes both. Internal (false): one device,
  // every flush writes back the whole cache.
  bool external_metadata = false;
};

// What a node reads back at boot: what FileDisk::attach returns, read by the same code.
using BootMetadata = meta::DeviceMetadata;

// The calls a crash can interrupt.
enum class DiskCall { data_write, discard, flush, superblock, activity_log, bitmap };

enum class CrashKind {
  power_cut,     // the machine loses power: the volatile cache is gone
  process_kill,  // kill -9: the kernel's page cache, holding every returned write, survives
};

struct MemDiskCounters {
  std::uint64_t reads = 0, data_writes = 0, discards = 0, flushes = 0;
  std::uint64_t superblock_writes = 0, al_writes = 0, bitmap_page_writes = 0;
};

class MemDisk final : public LocalDisk {
 public:
  // A device as `drbdlite create-md` leaves it: zeroed bitmap and AL ring, both
  // superblock slots written (fresh generation ids), everything flushed.
  static Result<std::unique_ptr<MemDisk>> create(const MemDiskOptions& opts, std::uint64_t device_id);

  // Boot: reads the metadata through the page cache with meta::read_device_metadata, the
  // code FileDisk::attach uses (both superblock slots, CRC32C, AL recovery, bitmap).
  Result<BootMetadata> attach();

  // LocalDisk. Metadata writes and FUA writes flush the whole device, like fdatasync.
  Result<std::string> read(std::uint64_t offset, std::uint32_t length) override;
  Status write(std::uint64_t offset, std::string_view data, bool fua) override;
  Status discard(std::uint64_t offset, std::uint32_t length, bool zeroes, bool fua) override;
  Status flush() override;
  Status write_superblock(const meta::Superblock& sb) override;
  Status write_al(const meta::AlTransaction& tx) override;
  Status write_bitmap_pages(const meta::Bitmap& bm, const std::vector<std::uint64_t>& pages) override;

  // Crashes. Afterwards the node is down: every call fails until restart().
  void power_cut();      // each unflushed write survives, tears or is lost (seeded); the cache is gone
  void kill_process();   // nothing is lost: the page cache stays (a later power_cut() can still lose it)
  // The nth call of `call` from now is interrupted: a write lands torn (power cut: a proper
  // subset of its sectors reaches the medium; kill: a prefix of whole 4 KiB pages reaches
  // the page cache), a flush writes back part of the cache; the call fails, the node is down.
  // `landed_prefix_bytes` replaces the seed's choice: exactly the write's first bytes land,
  // rounded down to whole sectors (power cut) or pages (kill).
  void crash_during(DiskCall call, CrashKind kind, std::uint32_t nth = 1,
                    std::optional<std::uint64_t> landed_prefix_bytes = std::nullopt);
  void restart();
  void disarm() { armed_.reset(); }  // forget a crash_during() that has not hit yet
  bool is_down() const { return down_; }

  // Injected errors: EIO (a bad sector) on reads or writes touching the range (metadata
  // offsets included), on every flush, or at random with a seeded probability.
  void fail_reads(std::uint64_t offset, std::uint64_t length) { bad_reads_.push_back({offset, length}); }
  void fail_writes(std::uint64_t offset, std::uint64_t length) { bad_writes_.push_back({offset, length}); }
  void fail_flushes(bool on) { fail_flushes_ = on; }
  void set_error_probability(double read, double write) {
    read_error_p_ = read;
    write_error_p_ = write;
  }
  void clear_errors();

  // Inspection for tests.
  std::string_view data() const { return std::string_view(view_).substr(0, layout_.data_bytes); }  // as reads see it
  std::string_view durable_data() const { return std::string_view(medium_).substr(0, layout_.data_bytes); }
  // Silent corruption (a bit flip, another writer): changes the medium and the cache view, no error.
  void corrupt(std::uint64_t offset, std::string_view bytes);
  // The whole device (data and metadata) as the medium holds it.
  std::string_view medium() const { return medium_; }
  // The superblock the medium holds now (what a boot after a power cut would pick).
  Result<meta::Superblock> superblock_on_medium() const;
  std::size_t unflushed_writes() const { return cache_.size(); }
  const meta::MetadataLayout& layout() const { return layout_; }
  const MemDiskCounters& counters() const { return counters_; }

 private:
  struct Range {
    std::uint64_t offset = 0, length = 0;
  };
  // One write as the device sees it; empty bytes = zeroes (a discard).
  struct Chunk {
    std::uint64_t offset = 0, length = 0;
    std::string bytes;
  };
  struct Armed {
    DiskCall call;
    CrashKind kind;
    std::uint32_t remaining;
    std::optional<std::uint64_t> landed_prefix_bytes;
  };

  MemDisk(const MemDiskOptions& opts, meta::MetadataLayout layout, std::uint64_t device_id);
  Status submit(DiskCall call, std::vector<Chunk> chunks, bool durable, const std::string& what);
  Status check_write(const std::vector<Chunk>& chunks, const std::string& what);
  Status check_space(const std::vector<Chunk>& chunks, const std::string& what);
  Status read_into(std::uint64_t offset, std::uint64_t length, std::string& into, const std::string& what);
  std::optional<Armed> crash_hits(DiskCall call);  // the armed crash, when this call is the one
  Status interrupt(const std::vector<Chunk>& chunks, const Armed& crash);
  Status down_error() const;
  void write_back_all();
  void write_back(DiskCall call);      // what a durable `call` flushes: its device, or all of one
  bool on_metadata_device(const Chunk& c) const { return c.offset >= layout_.data_bytes; }
  void lose_cache_at_power_cut();
  void land_sectors(const Chunk& c);
  void land_prefix(const std::vector<Chunk>& chunks, std::uint64_t bytes, std::string& image, bool cache_it);
  static void apply(std::string& image, const Chunk& c, std::uint64_t from, std::uint64_t to);
  void allocate(const Chunk& c, bool on);
  static std::string io_error(const char* op, const std::string& what, std::uint64_t offset, int err);

  MemDiskOptions opts_;
  meta::MetadataLayout layout_;
  std::uint64_t device_id_;
  SeededRandom rng_;
  std::string medium_;               // what survives a power cut
  std::string view_;                 // what reads see: the medium plus the cache
  std::deque<Chunk> cache_;          // unflushed writes, oldest first
  std::uint64_t cache_bytes_ = 0;
  std::vector<bool> allocated_;      // per 4 KiB block, with space_bytes: the sparse file's extents
  std::uint64_t allocated_blocks_ = 0;
  bool down_ = false;
  std::optional<Armed> armed_;
  std::vector<Range> bad_reads_, bad_writes_;
  bool fail_flushes_ = false;
  double read_error_p_ = 0, write_error_p_ = 0;
  MemDiskCounters counters_;
};

}  // namespace hamail::drbdlite::sim
