// What the replication core needs from the node's own storage: block I/O on the data
// area and crash-safe metadata writes. Synchronous by design (the daemon runs it on the
// loop thread, in order, which keeps write order identical on both nodes); the daemon
// implements it over a file or block device, the simulator over memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/activity_log.h"
#include "hamail/drbdlite/meta/bitmap.h"
#include "hamail/drbdlite/meta/superblock.h"

namespace hamail::drbdlite {

class LocalDisk {
 public:
  virtual ~LocalDisk() = default;
  virtual Result<std::string> read(std::uint64_t offset, std::uint32_t length) = 0;
  // fua: durable (written through and flushed) before returning.
  virtual Status write(std::uint64_t offset, std::string_view data, bool fua) = 0;
  virtual Status discard(std::uint64_t offset, std::uint32_t length, bool zeroes, bool fua) = 0;
  virtual Status flush() = 0;
  // Metadata writes are durable before they return.
  virtual Status write_superblock(const meta::Superblock& sb) = 0;
  virtual Status write_al(const meta::AlTransaction& tx) = 0;
  virtual Status write_bitmap_pages(const meta::Bitmap& bm, const std::vector<std::uint64_t>& pages) = 0;
};

}  // namespace hamail::drbdlite
