#include "hamail/drbdlite/meta/bitmap.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <string>

#include "hamail/drbdlite/meta/le_bytes.h"

namespace hamail::drbdlite::meta {
namespace {

Status check_data_bytes(std::uint64_t data_bytes) {
  if (data_bytes == 0 || data_bytes % kBlockBytes != 0)
    return Error{"bitmap: data size " + std::to_string(data_bytes) + " bytes is not a non-zero multiple of " +
                 std::to_string(kBlockBytes)};
  return Status::ok();
}

// Bits [lo, hi] of a word, 0 <= lo <= hi < 64.
std::uint64_t bit_mask(unsigned lo, unsigned hi) {
  std::uint64_t upper = hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1;
  return upper & (~0ull << lo);
}

}  // namespace

Bitmap::Bitmap(std::uint64_t block_count)
    : block_count_(block_count),
      words_(bitmap_bytes_for(block_count * kBlockBytes) / 8, 0),
      dirty_(words_.size() / kWordsPerPage, 0) {}

Result<Bitmap> Bitmap::create(std::uint64_t data_bytes) {
  if (Status s = check_data_bytes(data_bytes); !s) return Error{s.message()};
  return Bitmap(data_bytes / kBlockBytes);
}

Result<Bitmap> Bitmap::from_bytes(std::uint64_t data_bytes, std::span<const std::uint8_t> bytes) {
  if (Status s = check_data_bytes(data_bytes); !s) return Error{s.message()};
  const std::uint64_t want = bitmap_bytes_for(data_bytes);
  if (bytes.size() != want)
    return Error{"bitmap: " + std::to_string(bytes.size()) + " bytes given, a " + std::to_string(data_bytes) +
                 "-byte device needs " + std::to_string(want)};
  Bitmap bm(data_bytes / kBlockBytes);
  for (std::size_t w = 0; w < bm.words_.size(); ++w) {
    bm.words_[w] = get_le(bytes, w * 8, 8);
    bm.set_count_ += static_cast<std::uint64_t>(std::popcount(bm.words_[w]));
  }
  // Bits past the last block must be zero, or counts and find_next_set would lie.
  const std::uint64_t last_word = (bm.block_count_ - 1) / 64;
  const unsigned used_in_last = static_cast<unsigned>(bm.block_count_ - last_word * 64);
  std::uint64_t stray = used_in_last == 64 ? 0 : bm.words_[last_word] & (~0ull << used_in_last);
  for (std::size_t w = last_word + 1; w < bm.words_.size() && stray == 0; ++w) stray = bm.words_[w];
  if (stray != 0)
    return Error{"bitmap: bits set past the last block " + std::to_string(bm.block_count_ - 1) +
                 " (corrupted bitmap or wrong data size)"};
  return bm;
}

void Bitmap::apply(std::uint64_t first_block, std::uint64_t count, bool set) {
  assert(first_block <= block_count_ && count <= block_count_ - first_block);
  if (count == 0) return;
  const std::uint64_t last = first_block + count - 1;
  for (std::uint64_t w = first_block / 64; w <= last / 64; ++w) {
    unsigned lo = w == first_block / 64 ? static_cast<unsigned>(first_block % 64) : 0;
    unsigned hi = w == last / 64 ? static_cast<unsigned>(last % 64) : 63;
    std::uint64_t mask = bit_mask(lo, hi);
    std::uint64_t old = words_[w];
    std::uint64_t now = set ? old | mask : old & ~mask;
    if (now == old) continue;
    words_[w] = now;
    set_count_ += static_cast<std::uint64_t>(std::popcount(now));
    set_count_ -= static_cast<std::uint64_t>(std::popcount(old));
    dirty_[w / kWordsPerPage] = 1;
  }
}

void Bitmap::set_range(std::uint64_t offset, std::uint64_t len) {
  assert(offset <= data_bytes() && len <= data_bytes() - offset);
  if (len == 0) return;
  const std::uint64_t first = offset / kBlockBytes;
  const std::uint64_t last = (offset + len - 1) / kBlockBytes;
  apply(first, last - first + 1, true);
}

void Bitmap::set_blocks(std::uint64_t first_block, std::uint64_t count) { apply(first_block, count, true); }
void Bitmap::clear_blocks(std::uint64_t first_block, std::uint64_t count) { apply(first_block, count, false); }

bool Bitmap::test(std::uint64_t block) const {
  assert(block < block_count_);
  return (words_[block / 64] >> (block % 64)) & 1u;
}

std::optional<std::uint64_t> Bitmap::find_next_set(std::uint64_t from_block) const {
  if (from_block >= block_count_) return std::nullopt;
  std::uint64_t w = from_block / 64;
  std::uint64_t word = words_[w] & (~0ull << (from_block % 64));
  while (word == 0) {
    if (++w == words_.size()) return std::nullopt;
    word = words_[w];
  }
  std::uint64_t block = w * 64 + static_cast<std::uint64_t>(std::countr_zero(word));
  assert(block < block_count_);
  return block;
}

Status Bitmap::merge_from(const Bitmap& other) {
  if (other.block_count_ != block_count_)
    return Error{"bitmap merge: peer bitmap covers " + std::to_string(other.data_bytes()) + " bytes, ours " +
                 std::to_string(data_bytes())};
  for (std::size_t w = 0; w < words_.size(); ++w) {
    std::uint64_t now = words_[w] | other.words_[w];
    if (now == words_[w]) continue;
    set_count_ += static_cast<std::uint64_t>(std::popcount(now) - std::popcount(words_[w]));
    words_[w] = now;
    dirty_[w / kWordsPerPage] = 1;
  }
  return Status::ok();
}

std::vector<std::uint64_t> Bitmap::dirty_pages() const {
  std::vector<std::uint64_t> out;
  for (std::uint64_t p = 0; p < dirty_.size(); ++p)
    if (dirty_[p]) out.push_back(p);
  return out;
}

Bitmap::Page Bitmap::page_bytes(std::uint64_t page) const {
  assert(page < page_count());
  Page out{};
  for (std::uint64_t i = 0; i < kWordsPerPage; ++i) put_le(out, i * 8, words_[page * kWordsPerPage + i], 8);
  return out;
}

void Bitmap::clear_dirty() { std::fill(dirty_.begin(), dirty_.end(), 0); }

}  // namespace hamail::drbdlite::meta
