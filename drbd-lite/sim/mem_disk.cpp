// MemDisk: block I/O through a volatile write cache, injected errors, sparse-file space.
// Crashes, torn writes and the metadata records are in mem_disk_crash.cpp.
#include "hamail/drbdlite/sim/mem_disk.h"

#include <cerrno>
#include <cstring>

namespace hamail::drbdlite::sim {
namespace {

constexpr std::uint64_t kPage = meta::kPageBytes;

bool overlaps(std::uint64_t a_off, std::uint64_t a_len, std::uint64_t b_off, std::uint64_t b_len) {
  return a_off < b_off + b_len && b_off < a_off + a_len;
}

}  // namespace

// The message FileDisk gives for the same failure ("write of /dev/x at 4096: Input/output error").
std::string MemDisk::io_error(const char* op, const std::string& what, std::uint64_t offset, int err) {
  return std::string(op) + " of " + what + " at " + std::to_string(offset) + ": " + std::strerror(err);
}

MemDisk::MemDisk(const MemDiskOptions& opts, meta::MetadataLayout layout, std::uint64_t device_id)
    : opts_(opts), layout_(layout), device_id_(device_id), rng_(opts.seed), medium_(opts.lower_bytes, '\0'),
      view_(medium_), allocated_(meta::div_round_up(opts.lower_bytes, kPage), false) {
  // create-md wrote the metadata area: those blocks of a sparse file are allocated.
  allocate(Chunk{layout_.bitmap_offset, opts.lower_bytes - layout_.bitmap_offset, "x"}, true);
}

Result<std::string> MemDisk::read(std::uint64_t offset, std::uint32_t length) {
  if (offset > layout_.data_bytes || length > layout_.data_bytes - offset)
    return Error{"read of " + opts_.name + " at " + std::to_string(offset) + ": past the data area"};
  std::string out;
  if (Status st = read_into(offset, length, out, opts_.name); !st) return Error{st.message()};
  ++counters_.reads;
  return out;
}

Status MemDisk::read_into(std::uint64_t offset, std::uint64_t length, std::string& into, const std::string& what) {
  if (down_) return down_error();
  for (const Range& r : bad_reads_) {
    if (overlaps(offset, length, r.offset, r.length)) return Error{io_error("read", what, offset, EIO)};
  }
  if (rng_.chance(read_error_p_)) return Error{io_error("read", what, offset, EIO)};
  into.assign(view_, offset, length);
  return Status::ok();
}

Status MemDisk::write(std::uint64_t offset, std::string_view data, bool fua) {
  if (offset > layout_.data_bytes || data.size() > layout_.data_bytes - offset)
    return Error{"write of " + opts_.name + " at " + std::to_string(offset) + ": past the data area"};
  std::vector<Chunk> chunks;
  chunks.push_back(Chunk{offset, data.size(), std::string(data)});
  return submit(DiskCall::data_write, std::move(chunks), fua, opts_.name);
}

Status MemDisk::discard(std::uint64_t offset, std::uint32_t length, bool, bool fua) {
  // Like FileDisk: a punched hole (or written zeroes) reads back as zeroes either way.
  if (offset > layout_.data_bytes || length > layout_.data_bytes - offset)
    return Error{"discard on " + opts_.name + " at " + std::to_string(offset) + ": past the data area"};
  std::vector<Chunk> chunks;
  chunks.push_back(Chunk{offset, length, std::string()});
  return submit(DiskCall::discard, std::move(chunks), fua, opts_.name);
}

Status MemDisk::flush() {
  if (down_) return down_error();
  if (auto crash = crash_hits(DiskCall::flush)) return interrupt({}, *crash);
  if (fail_flushes_) return Error{"fdatasync of " + opts_.name + ": " + std::strerror(EIO)};
  write_back_all();
  ++counters_.flushes;
  return Status::ok();
}

Status MemDisk::submit(DiskCall call, std::vector<Chunk> chunks, bool durable, const std::string& what) {
  if (down_) return down_error();
  if (auto crash = crash_hits(call)) return interrupt(chunks, *crash);
  if (Status st = check_write(chunks, what); !st) return st;
  if (Status st = check_space(chunks, what); !st) return st;
  const std::uint64_t n = chunks.size();
  for (Chunk& c : chunks) {
    apply(view_, c, 0, c.length);
    allocate(c, !c.bytes.empty());  // a discard punches a hole
    cache_bytes_ += c.length;
    cache_.push_back(std::move(c));
  }
  switch (call) {
    case DiskCall::data_write: ++counters_.data_writes; break;
    case DiskCall::discard: ++counters_.discards; break;
    case DiskCall::superblock: ++counters_.superblock_writes; break;
    case DiskCall::activity_log: ++counters_.al_writes; break;
    case DiskCall::bitmap: counters_.bitmap_page_writes += n; break;
    case DiskCall::flush: break;
  }
  // The device writes back on its own once its cache is full, oldest first.
  while (cache_bytes_ > opts_.write_cache_bytes && !cache_.empty()) {
    apply(medium_, cache_.front(), 0, cache_.front().length);
    cache_bytes_ -= cache_.front().length;
    cache_.pop_front();
  }
  if (durable) {
    write_back(call);
    ++counters_.flushes;
  }
  return Status::ok();
}

Status MemDisk::check_write(const std::vector<Chunk>& chunks, const std::string& what) {
  for (const Chunk& c : chunks) {
    for (const Range& r : bad_writes_) {
      if (overlaps(c.offset, c.length, r.offset, r.length)) return Error{io_error("write", what, c.offset, EIO)};
    }
  }
  if (rng_.chance(write_error_p_)) return Error{io_error("write", what, chunks.front().offset, EIO)};
  return Status::ok();
}

Status MemDisk::check_space(const std::vector<Chunk>& chunks, const std::string& what) {
  if (!opts_.space_bytes) return Status::ok();
  std::uint64_t needed = 0;
  for (const Chunk& c : chunks) {
    if (c.bytes.empty()) continue;  // a discard frees space
    for (std::uint64_t b = c.offset / kPage; b <= (c.offset + c.length - 1) / kPage; ++b) needed += !allocated_[b];
  }
  if (needed > 0 && allocated_blocks_ + needed > *opts_.space_bytes / kPage)
    return Error{io_error("write", what, chunks.front().offset, ENOSPC)};
  return Status::ok();
}

void MemDisk::allocate(const Chunk& c, bool on) {
  if (c.length == 0) return;
  // Writing allocates every block it touches; a hole is punched only in whole blocks.
  std::uint64_t first = on ? c.offset / kPage : meta::div_round_up(c.offset, kPage);
  std::uint64_t end = on ? meta::div_round_up(c.offset + c.length, kPage) : (c.offset + c.length) / kPage;
  for (std::uint64_t b = first; b < end; ++b) {
    if (allocated_[b] == on) continue;
    allocated_[b] = on;
    allocated_blocks_ = on ? allocated_blocks_ + 1 : allocated_blocks_ - 1;
  }
}

void MemDisk::apply(std::string& image, const Chunk& c, std::uint64_t from, std::uint64_t to) {
  if (c.bytes.empty()) {
    std::memset(image.data() + c.offset + from, 0, to - from);
  } else {
    std::memcpy(image.data() + c.offset + from, c.bytes.data() + from, to - from);
  }
}

void MemDisk::write_back_all() {
  for (const Chunk& c : cache_) apply(medium_, c, 0, c.length);
  cache_.clear();
  cache_bytes_ = 0;
}

void MemDisk::write_back(DiskCall call) {
  if (!opts_.external_metadata) return write_back_all();
  const bool metadata = call != DiskCall::data_write && call != DiskCall::discard;
  std::deque<Chunk> kept;
  for (Chunk& c : cache_) {
    if (on_metadata_device(c) == metadata) {
      apply(medium_, c, 0, c.length);
      cache_bytes_ -= c.length;
    } else {
      kept.push_back(std::move(c));
    }
  }
  cache_ = std::move(kept);
}

void MemDisk::clear_errors() {
  bad_reads_.clear();
  bad_writes_.clear();
  fail_flushes_ = false;
  read_error_p_ = write_error_p_ = 0;
}

void MemDisk::corrupt(std::uint64_t offset, std::string_view bytes) {
  std::memcpy(medium_.data() + offset, bytes.data(), bytes.size());
  std::memcpy(view_.data() + offset, bytes.data(), bytes.size());
}

}  // namespace hamail::drbdlite::sim
