#include "hamail/drbdlite/meta/crc32c.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace hamail::drbdlite::meta {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(MetaCrc32c, StandardCheckValue) { EXPECT_EQ(crc32c(bytes("123456789")), 0xE3069283u); }

TEST(MetaCrc32c, EmptyIsZero) { EXPECT_EQ(crc32c({}), 0u); }

TEST(MetaCrc32c, KnownVectorsFromRfc3720) {
  std::vector<std::uint8_t> zeros(32, 0x00), ones(32, 0xFF), inc(32);
  for (int i = 0; i < 32; ++i) inc[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(crc32c(inc), 0x46DD794Eu);
}

TEST(MetaCrc32c, ExtendEqualsWhole) {
  EXPECT_EQ(crc32c_extend(crc32c(bytes("12345")), bytes("6789")), 0xE3069283u);
}

}  // namespace
}  // namespace hamail::drbdlite::meta
