// Hex rendering of ids and flag words for error messages and logs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace hamail::drbdlite::meta {

inline std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace hamail::drbdlite::meta
