// The fixed sizes of drbd-lite metadata (format version 1) and the small arithmetic
// on them: 4 KiB data blocks, 4 KiB bitmap pages and metadata records, 4 MiB AL extents.
#pragma once

#include <cstdint>

namespace hamail::drbdlite::meta {

inline constexpr std::uint64_t kBlockBytes = 4096;              // one bitmap bit covers this much data
inline constexpr std::uint64_t kPageBytes = 4096;               // bitmap writeback unit, record size
inline constexpr std::uint64_t kBitsPerPage = kPageBytes * 8;   // 32768 blocks = 128 MiB of data
inline constexpr std::uint64_t kAlExtentBytes = 4ull << 20;     // one activity-log extent
inline constexpr std::uint64_t kBlocksPerExtent = kAlExtentBytes / kBlockBytes;
// Device sizes above this are refused, which keeps every size computation far from overflow.
inline constexpr std::uint64_t kMaxDeviceBytes = 1ull << 60;

constexpr std::uint64_t div_round_up(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0); }
constexpr std::uint64_t round_down(std::uint64_t a, std::uint64_t unit) { return a - a % unit; }
constexpr std::uint64_t round_up(std::uint64_t a, std::uint64_t unit) { return div_round_up(a, unit) * unit; }

// Bytes of on-disk bitmap for `data_bytes` of data: one bit per block, whole pages.
constexpr std::uint64_t bitmap_bytes_for(std::uint64_t data_bytes) {
  return round_up(div_round_up(div_round_up(data_bytes, kBlockBytes), 8), kPageBytes);
}

// Number of AL extents that cover `data_bytes` (the last one may be partial).
constexpr std::uint64_t extent_count_for(std::uint64_t data_bytes) { return div_round_up(data_bytes, kAlExtentBytes); }

}  // namespace hamail::drbdlite::meta
