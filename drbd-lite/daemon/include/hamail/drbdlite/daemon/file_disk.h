// FileDisk: the LocalDisk of a real node: the lower device (a block device or a file)
// and its metadata (internal, at the end of the lower device, or on a separate
// device/file), with pread/pwrite/fdatasync. Also creates metadata (create-md) and
// reads it back at attach, validating every structure.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "hamail/drbdlite/core/local_disk.h"
#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/activity_log.h"
#include "hamail/drbdlite/meta/al_record.h"
#include "hamail/drbdlite/meta/bitmap.h"
#include "hamail/drbdlite/meta/device_metadata.h"
#include "hamail/drbdlite/meta/superblock.h"

namespace hamail::drbdlite {

struct DiskPaths {
  std::string lower;                  // data device or file
  std::optional<std::string> meta;    // external metadata device or file; empty = internal
  std::optional<std::uint64_t> size;  // configured data size, if any
};

// What attach reads back: everything the Replica needs to start.
using AttachedMetadata = meta::DeviceMetadata;

class FileDisk : public LocalDisk {
 public:
  ~FileDisk() override;
  FileDisk(const FileDisk&) = delete;
  FileDisk& operator=(const FileDisk&) = delete;

  // Writes fresh metadata: zeroed bitmap and AL ring, a superblock with fresh
  // generation ids. Refuses to overwrite valid metadata unless `force`.
  static Status create_metadata(const DiskPaths& paths, std::uint64_t device_id, bool force);
  // Opens the devices and reads the metadata (the superblock, the AL, the bitmap).
  static Result<std::pair<std::unique_ptr<FileDisk>, AttachedMetadata>> attach(const DiskPaths& paths);

  Result<std::string> read(std::uint64_t offset, std::uint32_t length) override;
  Status write(std::uint64_t offset, std::string_view data, bool fua) override;
  Status discard(std::uint64_t offset, std::uint32_t length, bool zeroes, bool fua) override;
  Status flush() override;
  Status write_superblock(const meta::Superblock& sb) override;
  Status write_al(const meta::AlTransaction& tx) override;
  Status write_bitmap_pages(const meta::Bitmap& bm, const std::vector<std::uint64_t>& pages) override;

  const meta::MetadataLayout& layout() const { return layout_; }
  std::uint64_t fdatasyncs() const { return fdatasyncs_; }  // done since attach (status, tests)

 private:
  FileDisk(int data_fd, int meta_fd, std::string lower, std::string meta_path, meta::MetadataLayout layout,
           std::uint64_t device_id);
  Status pwrite_all(int fd, const void* buf, std::size_t len, std::uint64_t off, const std::string& what);
  Status sync(int fd, const std::string& what);
  void written(int fd);  // fd has changes an fdatasync has not yet covered

  int data_fd_ = -1;
  int meta_fd_ = -1;  // == data_fd_ for internal metadata
  std::string lower_;
  std::string meta_path_;
  meta::MetadataLayout layout_;
  std::uint64_t device_id_ = 0;
  // Changes since the descriptor's last successful fdatasync: flush() syncs only those, so
  // a flush after nothing new (coalesced flushes, a barrier after a flush) costs nothing.
  bool data_dirty_ = false;
  bool meta_dirty_ = false;
  std::uint64_t fdatasyncs_ = 0;
};

// Size in bytes of an open file or block device.
Result<std::uint64_t> device_size(int fd, const std::string& path);

}  // namespace hamail::drbdlite
