#include "hamail/drbdlite/meta/superblock.h"

#include <string>
#include <string_view>

#include "hamail/drbdlite/meta/crc32c.h"
#include "hamail/drbdlite/meta/hex.h"
#include "hamail/drbdlite/meta/le_bytes.h"

namespace hamail::drbdlite::meta {
namespace {

// Byte layout of a slot (little-endian):
//   0 magic "DRBDLITE" | 8 u32 version | 12 u32 block size | 16 u64 seq | 24 u32 flags
//   28 u32 max_al_extents | 32 u64 current | 40 u64 bitmap | 48 u64 history[0]
//   56 u64 history[1] | 64 u64 device_id | 72 u32 kind | 76 u32 al_slots
//   80 u32 al extent bytes | 84 u32 reserved (0) | 88 u64 meta_device_bytes | 96 u64 data_bytes
//   104 u64 bitmap_offset | 112 u64 bitmap_bytes | 120 u64 al_offset | 128 u64 superblock_offset
//   136..4091 zero | 4092 u32 crc32c of bytes 0..4091
constexpr std::string_view kMagic = "DRBDLITE";
constexpr std::size_t kVersionAt = 8;
constexpr std::size_t kCrcAt = kPageBytes - 4;

std::string n(std::uint64_t v) { return std::to_string(v); }

}  // namespace

SuperblockSlot encode_superblock(const Superblock& sb) {
  SuperblockSlot out{};
  ByteWriter w(out);
  w.bytes(kMagic);
  w.u32(kFormatVersion);
  w.u32(static_cast<std::uint32_t>(kBlockBytes));
  w.u64(sb.seq);
  w.u32(sb.flags);
  w.u32(sb.max_al_extents);
  w.u64(sb.gen.current);
  w.u64(sb.gen.bitmap);
  w.u64(sb.gen.history[0]);
  w.u64(sb.gen.history[1]);
  w.u64(sb.device_id);
  const MetadataLayout& l = sb.layout;
  w.u32(static_cast<std::uint32_t>(l.kind));
  w.u32(l.al_slots);
  w.u32(static_cast<std::uint32_t>(kAlExtentBytes));
  w.u32(0);
  w.u64(l.meta_device_bytes);
  w.u64(l.data_bytes);
  w.u64(l.bitmap_offset);
  w.u64(l.bitmap_bytes);
  w.u64(l.al_offset);
  w.u64(l.superblock_offset);
  put_le(out, kCrcAt, crc32c(std::span<const std::uint8_t>(out).first(kCrcAt)), 4);
  return out;
}

Result<Superblock> decode_superblock(std::span<const std::uint8_t> slot, const DeviceSizes& dev) {
  if (slot.size() != kPageBytes) return Error{"superblock slot is " + n(slot.size()) + " bytes, expected 4096"};
  ByteReader r(slot);
  if (!r.bytes_equal(kMagic)) return Error{"bad magic"};
  const std::uint32_t version = r.u32();
  if (version != kFormatVersion)
    return Error{"unsupported format version " + n(version) + " (this build reads " + n(kFormatVersion) + ")"};
  const std::uint32_t stored_crc = static_cast<std::uint32_t>(get_le(slot, kCrcAt, 4));
  if (stored_crc != crc32c(slot.first(kCrcAt))) return Error{"CRC mismatch"};

  const std::uint32_t block = r.u32();
  Superblock sb;
  sb.seq = r.u64();
  sb.flags = r.u32();
  sb.max_al_extents = r.u32();
  sb.gen.current = r.u64();
  sb.gen.bitmap = r.u64();
  sb.gen.history[0] = r.u64();
  sb.gen.history[1] = r.u64();
  sb.device_id = r.u64();
  MetadataLayout& l = sb.layout;
  l.kind = static_cast<MetaKind>(r.u32());
  l.al_slots = r.u32();
  const std::uint32_t extent = r.u32();
  const std::uint32_t reserved = r.u32();
  l.meta_device_bytes = r.u64();
  l.data_bytes = r.u64();
  l.bitmap_offset = r.u64();
  l.bitmap_bytes = r.u64();
  l.al_offset = r.u64();
  l.superblock_offset = r.u64();
  for (std::size_t i = r.pos(); i < kCrcAt; ++i)
    if (slot[i] != 0) return Error{"reserved byte " + n(i) + " is not zero"};

  if (block != kBlockBytes) return Error{"block size " + n(block) + " is not " + n(kBlockBytes)};
  if (extent != kAlExtentBytes) return Error{"al extent size " + n(extent) + " is not " + n(kAlExtentBytes)};
  if (reserved != 0) return Error{"reserved field at byte 84 is not zero"};
  if (sb.flags & ~kKnownFlags) return Error{"unknown flag bits " + hex(sb.flags & ~kKnownFlags)};
  if (sb.max_al_extents < kMinAlExtents || sb.max_al_extents > kMaxAlExtents)
    return Error{"max al extents " + n(sb.max_al_extents) + " is outside " + n(kMinAlExtents) + ".." + n(kMaxAlExtents)};
  if (sb.device_id == 0) return Error{"device id is 0"};
  if (sb.gen.current == 0 && sb.gen.bitmap != 0) return Error{"generation ids: bitmap id set on a fresh device"};
  if (Status s = validate_layout(l, dev.meta_bytes, dev.lower_bytes); !s) return Error{s.message()};
  return sb;
}

Result<Superblock> decode_superblocks(std::span<const std::uint8_t> slot0, std::span<const std::uint8_t> slot1,
                                      const DeviceSizes& dev) {
  Result<Superblock> a = decode_superblock(slot0, dev);
  Result<Superblock> b = decode_superblock(slot1, dev);
  if (a && b) return a->seq >= b->seq ? a : b;
  if (a) return a;
  if (b) return b;
  return Error{"no valid superblock: slot 0: " + a.error() + ", slot 1: " + b.error()};
}

}  // namespace hamail::drbdlite::meta
