// Where the metadata lives: two superblock slots, the activity-log ring and the bitmap,
// either at the end of the lower device (internal) or on a separate metadata device
// (external). Pure arithmetic on sizes; every area is 4 KiB aligned.
#pragma once

#include <cstdint>
#include <optional>

#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/units.h"

namespace hamail::drbdlite::meta {

enum class MetaKind : std::uint32_t { internal = 0, external = 1 };

inline constexpr std::uint32_t kDefaultAlSlots = 8;  // 32 KiB ring
inline constexpr std::uint32_t kMinAlSlots = 2;      // a torn newest record falls back to the previous
inline constexpr std::uint32_t kMaxAlSlots = 256;

// Layout of the metadata device ("meta device": the lower device itself when internal).
// Areas, in order from low to high offsets at the end of the meta device:
//   [bitmap][AL ring: al_slots x 4 KiB][superblock slot 0][superblock slot 1]
// so the superblocks are always the last 8 KiB of the (4 KiB-rounded) meta device.
// Internal: the data area is [0, data_bytes) of the same device, below the bitmap.
struct MetadataLayout {
  MetaKind kind = MetaKind::internal;
  std::uint64_t meta_device_bytes = 0;  // the device size the layout was computed for
  std::uint64_t data_bytes = 0;         // usable, replicated bytes (multiple of 4 KiB)
  std::uint64_t bitmap_offset = 0;
  std::uint64_t bitmap_bytes = 0;       // bitmap_bytes_for(data_bytes)
  std::uint64_t al_offset = 0;
  std::uint32_t al_slots = kDefaultAlSlots;
  std::uint64_t superblock_offset = 0;  // slot 0; slot 1 follows at +4 KiB

  std::uint64_t al_slot_offset(std::uint32_t slot) const { return al_offset + slot * kPageBytes; }
  std::uint64_t superblock_slot_offset(int slot) const { return superblock_offset + static_cast<std::uint64_t>(slot) * kPageBytes; }
  std::uint64_t bitmap_page_offset(std::uint64_t page) const { return bitmap_offset + page * kPageBytes; }
  // Bytes the metadata occupies (bitmap, AL, superblocks).
  std::uint64_t metadata_bytes() const { return bitmap_bytes + al_slots * kPageBytes + 2 * kPageBytes; }
  bool operator==(const MetadataLayout&) const = default;
};

struct LayoutOptions {
  std::uint32_t al_slots = kDefaultAlSlots;
  // A configured data size (cluster.yaml `size:`); empty = as large as fits.
  std::optional<std::uint64_t> data_bytes;
};

// Metadata of the smallest size at the end of a lower device of `lower_bytes`;
// the data area is the largest 4 KiB multiple that fits in front of it.
Result<MetadataLayout> layout_internal(std::uint64_t lower_bytes, const LayoutOptions& opts = {});

// Data area = the whole lower device (rounded down to 4 KiB); metadata at the end of
// the separate meta device, which must be large enough.
Result<MetadataLayout> layout_external(std::uint64_t lower_bytes, std::uint64_t meta_bytes,
                                       const LayoutOptions& opts = {});

// Checks a layout read from disk: alignment, sizes, areas inside their devices and not
// overlapping. `meta_device_bytes` / `lower_bytes` are the actual device sizes now
// (equal for internal metadata). Messages name the field.
Status validate_layout(const MetadataLayout& l, std::uint64_t meta_device_bytes, std::uint64_t lower_bytes);

}  // namespace hamail::drbdlite::meta
