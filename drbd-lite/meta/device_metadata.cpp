#include "hamail/drbdlite/meta/device_metadata.h"

#include "hamail/drbdlite/meta/al_record.h"

namespace hamail::drbdlite::meta {

Result<DeviceMetadata> read_device_metadata(const ReadMetadata& read, const DeviceSizes& dev, const std::string& name) {
  const std::uint64_t end = round_down(dev.meta_bytes, kPageBytes);
  if (end < 2 * kPageBytes) return Error{name + " is too small to hold drbd-lite metadata"};
  SuperblockSlot s0{}, s1{};
  if (Status st = read(end - 2 * kPageBytes, s0, name + " superblock"); !st) return Error{st.message()};
  if (Status st = read(end - kPageBytes, s1, name + " superblock"); !st) return Error{st.message()};
  auto sb = decode_superblocks(s0, s1, dev);
  if (!sb) return Error{name + ": " + sb.error() + " (run `drbdlite create-md` for a new device)"};

  std::vector<std::uint8_t> ring(sb->layout.al_slots * kPageBytes);
  if (Status st = read(sb->layout.al_offset, ring, name + " activity log"); !st) return Error{st.message()};
  AlRecordLimits limits{sb->device_id, extent_count_for(sb->layout.data_bytes), sb->max_al_extents};
  auto al_rec = recover_al(ring, sb->layout.al_slots, limits);
  if (!al_rec) return Error{name + ": " + al_rec.error()};
  auto al = al_rec->latest.seq == 0 ? ActivityLog::create(sb->layout.data_bytes, sb->max_al_extents)
                                    : ActivityLog::recover(sb->layout.data_bytes, sb->max_al_extents, al_rec->latest);
  if (!al) return Error{name + ": activity log: " + al.error()};

  std::vector<std::uint8_t> bits(sb->layout.bitmap_bytes);
  if (Status st = read(sb->layout.bitmap_offset, bits, name + " bitmap"); !st) return Error{st.message()};
  auto bm = Bitmap::from_bytes(sb->layout.data_bytes, bits);
  if (!bm) return Error{name + ": bitmap: " + bm.error()};
  return DeviceMetadata{*sb, std::move(*bm), std::move(*al), al_rec->problems};
}

}  // namespace hamail::drbdlite::meta
