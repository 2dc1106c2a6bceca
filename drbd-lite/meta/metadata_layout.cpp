#include "hamail/drbdlite/meta/metadata_layout.h"

#include <algorithm>
#include <string>

namespace hamail::drbdlite::meta {
namespace {

std::string n(std::uint64_t v) { return std::to_string(v); }

// Superblock slots and the AL ring: everything but the bitmap.
std::uint64_t fixed_bytes(std::uint32_t al_slots) { return (std::uint64_t{al_slots} + 2) * kPageBytes; }

Status check_sizes(std::uint64_t lower_bytes, std::uint64_t meta_bytes, const LayoutOptions& opts) {
  for (auto [name, v] : {std::pair{"lower device", lower_bytes}, std::pair{"metadata device", meta_bytes}})
    if (v > kMaxDeviceBytes) return Error{std::string(name) + " of " + n(v) + " bytes is larger than the supported " + n(kMaxDeviceBytes)};
  if (opts.al_slots < kMinAlSlots || opts.al_slots > kMaxAlSlots)
    return Error{"al_slots " + n(opts.al_slots) + " is outside " + n(kMinAlSlots) + ".." + n(kMaxAlSlots)};
  if (opts.data_bytes && (*opts.data_bytes == 0 || *opts.data_bytes % kBlockBytes != 0))
    return Error{"configured size " + n(*opts.data_bytes) + " bytes is not a non-zero multiple of " + n(kBlockBytes)};
  return Status::ok();
}

// Places bitmap, AL and superblocks so that they end at `meta_end` (4 KiB aligned).
MetadataLayout place_at_end(MetaKind kind, std::uint64_t meta_device_bytes, std::uint64_t data_bytes,
                            std::uint32_t al_slots) {
  MetadataLayout l;
  l.kind = kind;
  l.meta_device_bytes = meta_device_bytes;
  l.data_bytes = data_bytes;
  l.al_slots = al_slots;
  l.superblock_offset = round_down(meta_device_bytes, kPageBytes) - 2 * kPageBytes;
  l.al_offset = l.superblock_offset - std::uint64_t{al_slots} * kPageBytes;
  l.bitmap_bytes = bitmap_bytes_for(data_bytes);
  l.bitmap_offset = l.al_offset - l.bitmap_bytes;
  return l;
}

// The largest data area D (4 KiB multiple) with D + bitmap_bytes_for(D) <= room.
// With b bitmap pages, D <= b * 128 MiB and D <= room - b * 4 KiB; the best b is
// next to the crossing point of those two lines.
std::uint64_t max_data_for_room(std::uint64_t room) {
  const std::uint64_t per_page = kBitsPerPage * kBlockBytes;  // data covered by one bitmap page
  const std::uint64_t cross = room / (per_page + kPageBytes);
  std::uint64_t best = 0;
  for (std::uint64_t b = std::max<std::uint64_t>(cross, 1); b <= cross + 1; ++b) {
    if (b * kPageBytes >= room) continue;
    best = std::max(best, std::min(b * per_page, room - b * kPageBytes));
  }
  return best;
}

}  // namespace

Result<MetadataLayout> layout_internal(std::uint64_t lower_bytes, const LayoutOptions& opts) {
  if (Status s = check_sizes(lower_bytes, lower_bytes, opts); !s) return Error{s.message()};
  const std::uint64_t avail = round_down(lower_bytes, kPageBytes);
  const std::uint64_t fixed = fixed_bytes(opts.al_slots);
  const std::uint64_t smallest = fixed + kPageBytes + kBlockBytes;  // one bitmap page, one data block
  if (avail < smallest)
    return Error{"lower device is " + n(lower_bytes) + " bytes, smaller than the " + n(smallest) +
                 " bytes internal metadata needs (" + n(fixed + kPageBytes) + " bytes of metadata + one 4096-byte block)"};
  const std::uint64_t max_data = max_data_for_room(avail - fixed);
  std::uint64_t data = max_data;
  if (opts.data_bytes) {
    if (*opts.data_bytes > max_data)
      return Error{"configured size " + n(*opts.data_bytes) + " bytes is larger than the " + n(max_data) +
                   " bytes that fit on the lower device of " + n(lower_bytes) + " bytes with internal metadata"};
    data = *opts.data_bytes;
  }
  return place_at_end(MetaKind::internal, lower_bytes, data, opts.al_slots);
}

Result<MetadataLayout> layout_external(std::uint64_t lower_bytes, std::uint64_t meta_bytes, const LayoutOptions& opts) {
  if (Status s = check_sizes(lower_bytes, meta_bytes, opts); !s) return Error{s.message()};
  const std::uint64_t max_data = round_down(lower_bytes, kBlockBytes);
  if (max_data == 0) return Error{"lower device is " + n(lower_bytes) + " bytes, smaller than one 4096-byte block"};
  std::uint64_t data = max_data;
  if (opts.data_bytes) {
    if (*opts.data_bytes > max_data)
      return Error{"configured size " + n(*opts.data_bytes) + " bytes is larger than the lower device of " +
                   n(lower_bytes) + " bytes"};
    data = *opts.data_bytes;
  }
  const std::uint64_t need = fixed_bytes(opts.al_slots) + bitmap_bytes_for(data);
  if (round_down(meta_bytes, kPageBytes) < need)
    return Error{"metadata device is " + n(meta_bytes) + " bytes, smaller than the " + n(need) + " bytes needed for a " +
                 n(data) + "-byte data area"};
  return place_at_end(MetaKind::external, meta_bytes, data, opts.al_slots);
}

Status validate_layout(const MetadataLayout& l, std::uint64_t meta_device_bytes, std::uint64_t lower_bytes) {
  if (l.kind != MetaKind::internal && l.kind != MetaKind::external)
    return Error{"metadata kind " + n(static_cast<std::uint32_t>(l.kind)) + " is neither internal (0) nor external (1)"};
  if (l.al_slots < kMinAlSlots || l.al_slots > kMaxAlSlots)
    return Error{"al_slots " + n(l.al_slots) + " is outside " + n(kMinAlSlots) + ".." + n(kMaxAlSlots)};
  if (l.data_bytes == 0 || l.data_bytes % kBlockBytes != 0)
    return Error{"data size " + n(l.data_bytes) + " bytes is not a non-zero multiple of " + n(kBlockBytes)};
  if (l.bitmap_bytes != bitmap_bytes_for(l.data_bytes))
    return Error{"bitmap size " + n(l.bitmap_bytes) + " bytes does not match the data size (expected " +
                 n(bitmap_bytes_for(l.data_bytes)) + ")"};
  if (l.meta_device_bytes > meta_device_bytes)
    return Error{"metadata device is " + n(meta_device_bytes) + " bytes, but the superblock was written for " +
                 n(l.meta_device_bytes) + " bytes"};
  for (auto [name, off] : {std::pair{"bitmap offset", l.bitmap_offset}, std::pair{"al offset", l.al_offset},
                           std::pair{"superblock offset", l.superblock_offset}}) {
    if (off % kPageBytes != 0) return Error{std::string(name) + " " + n(off) + " is not 4096-aligned"};
    if (off >= meta_device_bytes)
      return Error{std::string(name) + " " + n(off) + " is outside the metadata device of " + n(meta_device_bytes) +
                   " bytes"};
  }
  // Offsets are now < device size, so these sums cannot overflow.
  if (l.superblock_offset + 2 * kPageBytes > meta_device_bytes)
    return Error{"superblock offset " + n(l.superblock_offset) + " leaves no room for two slots on a " +
                 n(meta_device_bytes) + "-byte metadata device"};
  if (l.al_offset + std::uint64_t{l.al_slots} * kPageBytes != l.superblock_offset)
    return Error{"al offset " + n(l.al_offset) + " + " + n(l.al_slots) + " slots does not end at the superblock offset " +
                 n(l.superblock_offset)};
  if (l.bitmap_bytes > l.al_offset || l.bitmap_offset != l.al_offset - l.bitmap_bytes)
    return Error{"bitmap offset " + n(l.bitmap_offset) + " + " + n(l.bitmap_bytes) + " bytes does not end at the al offset " +
                 n(l.al_offset)};
  if (l.kind == MetaKind::internal && l.data_bytes > l.bitmap_offset)
    return Error{"data size " + n(l.data_bytes) + " bytes overlaps the internal metadata starting at " + n(l.bitmap_offset)};
  if (l.data_bytes > lower_bytes)
    return Error{"data size " + n(l.data_bytes) + " bytes is larger than the lower device of " + n(lower_bytes) + " bytes"};
  return Status::ok();
}

}  // namespace hamail::drbdlite::meta
