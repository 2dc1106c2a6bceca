// The out-of-sync bitmap: one bit per 4 KiB block of the data area, 1 = this block
// may differ from the peer and must be resynced. Keeps its population count and the
// set of changed 4 KiB pages so the daemon writes back only what changed.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/drbdlite/meta/units.h"

namespace hamail::drbdlite::meta {

class Bitmap {
 public:
  using Page = std::array<std::uint8_t, kPageBytes>;

  // All bits clear. `data_bytes` must be a non-zero multiple of 4096.
  static Result<Bitmap> create(std::uint64_t data_bytes);
  // The whole on-disk bitmap (bitmap_bytes_for(data_bytes) bytes, 64-bit little-endian
  // words); bits past the last block must be zero. Nothing is dirty afterwards.
  static Result<Bitmap> from_bytes(std::uint64_t data_bytes, std::span<const std::uint8_t> bytes);

  std::uint64_t data_bytes() const { return block_count_ * kBlockBytes; }
  std::uint64_t block_count() const { return block_count_; }
  std::uint64_t page_count() const { return words_.size() / kWordsPerPage; }

  // Marks every block touched by [offset, offset+len): a partial block counts as whole.
  // The range must lie inside the data area (callers validate client requests).
  void set_range(std::uint64_t offset, std::uint64_t len);
  // Block-index forms. Resync clears the whole blocks it has copied, so clearing is by
  // block index only: there is no "partially clear" case to get wrong.
  void set_blocks(std::uint64_t first_block, std::uint64_t count);
  void clear_blocks(std::uint64_t first_block, std::uint64_t count);
  void set_all() { set_blocks(0, block_count_); }

  bool test(std::uint64_t block) const;
  std::uint64_t count_set() const { return set_count_; }  // O(1)
  std::uint64_t out_of_sync_bytes() const { return set_count_ * kBlockBytes; }
  // The first set block at or after `from_block`; skips zero 64-bit words.
  std::optional<std::uint64_t> find_next_set(std::uint64_t from_block) const;

  // ORs in the peer's bitmap (sent at connect); the sizes must match.
  Status merge_from(const Bitmap& other);

  // Pages (4 KiB of bitmap = 128 MiB of data) changed since the last clear_dirty().
  std::vector<std::uint64_t> dirty_pages() const;
  bool page_dirty(std::uint64_t page) const {
    assert(page < dirty_.size());
    return dirty_[page] != 0;
  }
  Page page_bytes(std::uint64_t page) const;  // on-disk form of one page
  void clear_dirty();

  static constexpr std::uint64_t page_of_block(std::uint64_t block) { return block / kBitsPerPage; }

 private:
  static constexpr std::uint64_t kWordsPerPage = kPageBytes / 8;
  explicit Bitmap(std::uint64_t block_count);
  void apply(std::uint64_t first_block, std::uint64_t count, bool set);

  std::uint64_t block_count_ = 0;
  std::vector<std::uint64_t> words_;  // whole pages; bits past block_count_ stay zero
  std::vector<std::uint8_t> dirty_;   // one flag per page
  std::uint64_t set_count_ = 0;
};

}  // namespace hamail::drbdlite::meta
