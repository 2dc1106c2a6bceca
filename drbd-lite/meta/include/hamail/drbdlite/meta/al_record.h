// On-disk activity-log transactions: each 4 KiB record holds the complete set of
// active extents, stamped with a sequence number; records fill a ring of al_slots so a
// torn newest record leaves the previous one. Recovery takes the valid highest seq.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/units.h"

namespace hamail::drbdlite::meta {

// The largest extent list one record can hold (the 32-byte header and CRC excluded).
inline constexpr std::size_t kMaxExtentsPerRecord = (kPageBytes - 32 - 4) / 4;

struct AlTransaction {
  std::uint64_t seq = 0;               // 0 = no transaction (fresh ring); real ones start at 1
  std::vector<std::uint32_t> extents;  // strictly increasing extent numbers
  bool operator==(const AlTransaction&) const = default;
};

using AlRecord = std::array<std::uint8_t, kPageBytes>;

constexpr std::uint32_t al_slot_for(std::uint64_t seq, std::uint32_t al_slots) {
  return static_cast<std::uint32_t>(seq % al_slots);
}

// `device_id` ties records to this device, so records left by older metadata are ignored.
AlRecord encode_al_record(const AlTransaction& tx, std::uint64_t device_id);

// What a record must satisfy to be accepted.
struct AlRecordLimits {
  std::uint64_t device_id = 0;
  std::uint64_t extent_count = 0;  // extents in the data area: every extent number is below
  std::uint32_t max_extents = 0;   // the configured max_al_extents
};

Result<AlTransaction> decode_al_record(std::span<const std::uint8_t> record, const AlRecordLimits& limits);

struct AlRecovery {
  AlTransaction latest;               // seq 0 and no extents when the ring holds no valid record
  std::vector<std::string> problems;  // "slot 3: CRC mismatch"; all-zero slots are not problems
};

// Scans the whole ring (al_slots x 4 KiB) and picks the valid record with the highest seq.
Result<AlRecovery> recover_al(std::span<const std::uint8_t> ring, std::uint32_t al_slots, const AlRecordLimits& limits);

}  // namespace hamail::drbdlite::meta
