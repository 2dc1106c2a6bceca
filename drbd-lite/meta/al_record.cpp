#include "hamail/drbdlite/meta/al_record.h"

#include <algorithm>
#include <cassert>
#include <string_view>

#include "hamail/drbdlite/meta/crc32c.h"
#include "hamail/drbdlite/meta/hex.h"
#include "hamail/drbdlite/meta/le_bytes.h"

namespace hamail::drbdlite::meta {
namespace {

// Byte layout (little-endian):
//   0 magic "DRBDL-AL" | 8 u32 version (1) | 12 u32 count | 16 u64 seq | 24 u64 device_id
//   32 u32 extents[count] | zero | 4092 u32 crc32c of bytes 0..4091
constexpr std::string_view kMagic = "DRBDL-AL";
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 32;
constexpr std::size_t kCrcAt = kPageBytes - 4;
static_assert(kHeaderBytes + kMaxExtentsPerRecord * 4 <= kCrcAt);

std::string n(std::uint64_t v) { return std::to_string(v); }

}  // namespace

AlRecord encode_al_record(const AlTransaction& tx, std::uint64_t device_id) {
  assert(tx.extents.size() <= kMaxExtentsPerRecord);
  assert(std::is_sorted(tx.extents.begin(), tx.extents.end()));
  AlRecord out{};
  ByteWriter w(out);
  w.bytes(kMagic);
  w.u32(kVersion);
  w.u32(static_cast<std::uint32_t>(tx.extents.size()));
  w.u64(tx.seq);
  w.u64(device_id);
  for (std::uint32_t e : tx.extents) w.u32(e);
  put_le(out, kCrcAt, crc32c(std::span<const std::uint8_t>(out).first(kCrcAt)), 4);
  return out;
}

Result<AlTransaction> decode_al_record(std::span<const std::uint8_t> record, const AlRecordLimits& limits) {
  if (record.size() != kPageBytes) return Error{"AL record is " + n(record.size()) + " bytes, expected 4096"};
  ByteReader r(record);
  if (!r.bytes_equal(kMagic)) return Error{"bad magic"};
  const std::uint32_t version = r.u32();
  if (version != kVersion) return Error{"unsupported AL record version " + n(version)};
  if (static_cast<std::uint32_t>(get_le(record, kCrcAt, 4)) != crc32c(record.first(kCrcAt))) return Error{"CRC mismatch"};
  const std::uint32_t count = r.u32();
  AlTransaction tx;
  tx.seq = r.u64();
  const std::uint64_t device_id = r.u64();
  if (device_id != limits.device_id)
    return Error{"record of another device (id " + hex(device_id) + ", this device is " + hex(limits.device_id) + ")"};
  if (tx.seq == 0) return Error{"sequence number 0"};
  if (count > limits.max_extents || count > kMaxExtentsPerRecord)
    return Error{"extent count " + n(count) + " is more than max al extents " + n(limits.max_extents)};
  tx.extents.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t e = r.u32();
    if (e >= limits.extent_count)
      return Error{"extent " + n(e) + " is past the end of the data area (" + n(limits.extent_count) + " extents)"};
    if (!tx.extents.empty() && e <= tx.extents.back()) return Error{"extents not strictly increasing at entry " + n(i)};
    tx.extents.push_back(e);
  }
  for (std::size_t i = r.pos(); i < kCrcAt; ++i)
    if (record[i] != 0) return Error{"byte " + n(i) + " after the extent list is not zero"};
  return tx;
}

Result<AlRecovery> recover_al(std::span<const std::uint8_t> ring, std::uint32_t al_slots, const AlRecordLimits& limits) {
  if (ring.size() != std::uint64_t{al_slots} * kPageBytes)
    return Error{"AL ring is " + n(ring.size()) + " bytes, expected " + n(al_slots) + " slots of 4096"};
  AlRecovery out;
  for (std::uint32_t slot = 0; slot < al_slots; ++slot) {
    auto rec = ring.subspan(std::size_t{slot} * kPageBytes, kPageBytes);
    if (std::all_of(rec.begin(), rec.end(), [](std::uint8_t b) { return b == 0; })) continue;
    Result<AlTransaction> tx = decode_al_record(rec, limits);
    if (!tx) {
      out.problems.push_back("slot " + n(slot) + ": " + tx.error());
      continue;
    }
    if (al_slot_for(tx->seq, al_slots) != slot) {
      out.problems.push_back("slot " + n(slot) + ": holds seq " + n(tx->seq) + " which belongs in slot " +
                             n(al_slot_for(tx->seq, al_slots)));
      continue;
    }
    if (tx->seq > out.latest.seq) out.latest = std::move(*tx);
  }
  return out;
}

}  // namespace hamail::drbdlite::meta
