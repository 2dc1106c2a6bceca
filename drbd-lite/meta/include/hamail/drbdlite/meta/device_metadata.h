// Reading a device's metadata back at attach: both superblock slots, the activity-log ring
// and the bitmap, each checked by its codec. The caller supplies the reads (FileDisk with
// pread, sim::MemDisk from memory): the steps and checks are one piece of code for both.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/activity_log.h"
#include "hamail/drbdlite/meta/bitmap.h"
#include "hamail/drbdlite/meta/superblock.h"

namespace hamail::drbdlite::meta {

// What attach reads back: everything a Replica needs to start.
struct DeviceMetadata {
  Superblock sb;
  Bitmap bitmap;
  ActivityLog al;
  std::vector<std::string> problems;  // e.g. torn AL records that were skipped
};

// Fills `into` from `offset` of the metadata device; `what` names the region for messages.
using ReadMetadata = std::function<Status(std::uint64_t offset, std::span<std::uint8_t> into, const std::string& what)>;

// The superblock slots are the last 8 KiB of the (4 KiB-rounded) metadata device, the rest
// is where that superblock's layout says. `name` is the metadata device, for messages.
Result<DeviceMetadata> read_device_metadata(const ReadMetadata& read, const DeviceSizes& dev, const std::string& name);

}  // namespace hamail::drbdlite::meta
