// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven in software.
// Every on-disk metadata record carries one so that torn or corrupted writes are found.
#pragma once

#include <cstdint>
#include <span>

namespace hamail::drbdlite::meta {

// crc32c of "123456789" is 0xE3069283.
std::uint32_t crc32c(std::span<const std::uint8_t> data);

// Continues a running CRC: crc32c_extend(crc32c(a), b) == crc32c(a + b).
std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::uint8_t> data);

}  // namespace hamail::drbdlite::meta
