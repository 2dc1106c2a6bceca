// Little-endian field access on a fixed, bounded byte buffer, for the metadata codecs.
// ByteWriter/ByteReader never step outside their span: an overrun is a programming
// error (the record layouts are fixed), so it is asserted, not returned.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace hamail::drbdlite::meta {

inline void put_le(std::span<std::uint8_t> out, std::size_t at, std::uint64_t v, std::size_t width) {
  assert(at + width <= out.size());
  for (std::size_t i = 0; i < width; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

inline std::uint64_t get_le(std::span<const std::uint8_t> in, std::size_t at, std::size_t width) {
  assert(at + width <= in.size());
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(in[at + i]) << (8 * i);
  return v;
}

class ByteWriter {
 public:
  explicit ByteWriter(std::span<std::uint8_t> out) : out_(out) {}
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void bytes(std::string_view s) {
    assert(pos_ + s.size() <= out_.size());
    for (char c : s) out_[pos_++] = static_cast<std::uint8_t>(c);
  }
  std::size_t pos() const { return pos_; }

 private:
  void put(std::uint64_t v, std::size_t width) {
    put_le(out_, pos_, v, width);
    pos_ += width;
  }
  std::span<std::uint8_t> out_;
  std::size_t pos_ = 0;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> in) : in_(in) {}
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  bool bytes_equal(std::string_view s) {
    assert(pos_ + s.size() <= in_.size());
    bool eq = true;
    for (char c : s) eq = eq && in_[pos_++] == static_cast<std::uint8_t>(c);
    return eq;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::uint64_t get(std::size_t width) {
    std::uint64_t v = get_le(in_, pos_, width);
    pos_ += width;
    return v;
  }
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

}  // namespace hamail::drbdlite::meta
