// The superblock: the one record that describes a drbd-lite device (size, layout,
// flags, generation ids). Two 4 KiB slots alternate by sequence number, so a torn
// superblock write always leaves the previous one intact.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/generation.h"
#include "hamail/drbdlite/meta/metadata_layout.h"
#include "hamail/drbdlite/meta/units.h"

namespace hamail::drbdlite::meta {

inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::uint32_t kDefaultMaxAlExtents = 257;
inline constexpr std::uint32_t kMinAlExtents = 16;  // a 64 MiB write must always fit
inline constexpr std::uint32_t kMaxAlExtents = 1000;

// Flag bits; unknown bits are rejected on decode (a newer format must bump the version).
enum SuperblockFlag : std::uint32_t {
  kFlagConsistent = 1u << 0,        // the data is a complete, usable version (not mid-resync target)
  kFlagWasUpToDate = 1u << 1,       // the data was UpToDate when last written
  kFlagPeerOutdated = 1u << 2,      // the peer is known to be Outdated (it may not be promoted)
  kFlagWasPrimary = 1u << 3,        // this node was Primary since it last synced (split-brain policies)
  kFlagPrimaryUnclean = 1u << 4,    // set while Primary, cleared on clean demote; still set at attach = crashed Primary
  kFlagInitialSyncDone = 1u << 5,   // the first full sync completed
  kFlagFullSyncPending = 1u << 6,   // `invalidate` or new metadata: the next sync must be full
  kFlagOutdated = 1u << 7,          // the peer fenced this node (fence-peer): not promotable without --force
  kFlagDivergedAsPrimary = 1u << 8, // this node was Primary when its data diverged (after-split-brain policies)
  kFlagHoldsPrimaryWrites = 1u << 9,// lost its Primary while up and flushed: holds every write that Primary completed
};
inline constexpr std::uint32_t kKnownFlags = (1u << 10) - 1;

struct Superblock {
  std::uint64_t seq = 0;  // bumped on every write; slot = seq % 2
  std::uint32_t flags = 0;
  std::uint32_t max_al_extents = kDefaultMaxAlExtents;
  GenerationIds gen;
  std::uint64_t device_id = 0;  // random, chosen at create-md; also stamped on AL records
  MetadataLayout layout;        // includes data size and al_slots

  bool has(SuperblockFlag f) const { return (flags & f) != 0; }
  void set(SuperblockFlag f, bool on) { flags = on ? (flags | f) : (flags & ~static_cast<std::uint32_t>(f)); }
  bool operator==(const Superblock&) const = default;
};

using SuperblockSlot = std::array<std::uint8_t, kPageBytes>;

// The slot a superblock with this seq goes to: alternating, so it overwrites the older one.
constexpr int superblock_slot_for(std::uint64_t seq) { return static_cast<int>(seq % 2); }

SuperblockSlot encode_superblock(const Superblock& sb);

// The actual sizes of the devices now (equal for internal metadata).
struct DeviceSizes {
  std::uint64_t meta_bytes = 0;
  std::uint64_t lower_bytes = 0;
};

// One slot: checks magic, version, CRC, then every field; the message names the field.
Result<Superblock> decode_superblock(std::span<const std::uint8_t> slot, const DeviceSizes& dev);

// Both slots: the valid one with the highest seq. If neither is valid:
//   "no valid superblock: slot 0: bad magic, slot 1: CRC mismatch"
Result<Superblock> decode_superblocks(std::span<const std::uint8_t> slot0, std::span<const std::uint8_t> slot1,
                                      const DeviceSizes& dev);

}  // namespace hamail::drbdlite::meta
