// MemDisk: the metadata as real on-disk records (create, attach, writes), and crashes:
// a power cut loses or tears what is still in the volatile cache, kill -9 loses nothing.
#include <algorithm>
#include <span>

#include "hamail/drbdlite/meta/al_record.h"
#include "hamail/drbdlite/sim/mem_disk.h"

namespace hamail::drbdlite::sim {
namespace {

constexpr std::uint64_t kPage = meta::kPageBytes;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string string_of(std::span<const std::uint8_t> b) { return std::string(b.begin(), b.end()); }

}  // namespace

Result<std::unique_ptr<MemDisk>> MemDisk::create(const MemDiskOptions& opts, std::uint64_t device_id) {
  if (opts.sector_bytes != 512 && opts.sector_bytes != 4096)
    return Error{opts.name + ": sector_bytes must be 512 or 4096, not " + std::to_string(opts.sector_bytes)};
  auto layout = meta::layout_internal(opts.lower_bytes);
  if (!layout) return Error{opts.name + ": " + layout.error()};
  std::unique_ptr<MemDisk> disk(new MemDisk(opts, *layout, device_id));
  // As FileDisk::create_metadata: the medium starts zeroed (bitmap, AL ring), then both slots.
  meta::Superblock sb;
  sb.layout = *layout;
  sb.device_id = device_id;
  for (std::uint64_t seq : {1, 2}) {
    sb.seq = seq;
    if (Status st = disk->write_superblock(sb); !st) return Error{st.message()};
  }
  disk->counters_ = {};
  return disk;
}

// FileDisk::attach's reading of the metadata, on the page-cache view of the device.
Result<BootMetadata> MemDisk::attach() {
  auto read = [this](std::uint64_t offset, std::span<std::uint8_t> into, const std::string& what) {
    std::string bytes;
    Status st = read_into(offset, into.size(), bytes, what);
    if (st) std::copy(bytes.begin(), bytes.end(), into.begin());
    return st;
  };
  auto md = meta::read_device_metadata(read, meta::DeviceSizes{opts_.lower_bytes, opts_.lower_bytes}, opts_.name);
  if (!md) return Error{md.error()};
  layout_ = md->sb.layout;
  device_id_ = md->sb.device_id;
  return std::move(*md);
}

Result<meta::Superblock> MemDisk::superblock_on_medium() const {
  const std::uint64_t end = meta::round_down(opts_.lower_bytes, kPage);
  std::string_view m(medium_);
  return meta::decode_superblocks(bytes_of(std::string(m.substr(end - 2 * kPage, kPage))),
                                  bytes_of(std::string(m.substr(end - kPage, kPage))),
                                  meta::DeviceSizes{opts_.lower_bytes, opts_.lower_bytes});
}

Status MemDisk::write_superblock(const meta::Superblock& sb) {
  std::vector<Chunk> chunks;
  chunks.push_back(Chunk{layout_.superblock_slot_offset(meta::superblock_slot_for(sb.seq)), kPage,
                         string_of(meta::encode_superblock(sb))});
  return submit(DiskCall::superblock, std::move(chunks), true, opts_.name + " superblock");
}

Status MemDisk::write_al(const meta::AlTransaction& tx) {
  std::vector<Chunk> chunks;
  chunks.push_back(Chunk{layout_.al_slot_offset(meta::al_slot_for(tx.seq, layout_.al_slots)), kPage,
                         string_of(meta::encode_al_record(tx, device_id_))});
  return submit(DiskCall::activity_log, std::move(chunks), true, opts_.name + " activity log");
}

Status MemDisk::write_bitmap_pages(const meta::Bitmap& bm, const std::vector<std::uint64_t>& pages) {
  std::vector<Chunk> chunks;
  for (std::uint64_t p : pages) chunks.push_back(Chunk{layout_.bitmap_page_offset(p), kPage, string_of(bm.page_bytes(p))});
  return submit(DiskCall::bitmap, std::move(chunks), true, opts_.name + " bitmap");
}

void MemDisk::crash_during(DiskCall call, CrashKind kind, std::uint32_t nth,
                           std::optional<std::uint64_t> landed_prefix_bytes) {
  armed_ = Armed{call, kind, nth == 0 ? 1 : nth, landed_prefix_bytes};
}

std::optional<MemDisk::Armed> MemDisk::crash_hits(DiskCall call) {
  if (!armed_ || armed_->call != call || --armed_->remaining > 0) return std::nullopt;
  Armed crash = *armed_;
  armed_.reset();
  return crash;
}

void MemDisk::power_cut() {
  lose_cache_at_power_cut();
  view_ = medium_;
  down_ = true;
}

void MemDisk::kill_process() { down_ = true; }

void MemDisk::restart() {
  down_ = false;
  armed_.reset();
}

Status MemDisk::down_error() const { return Error{opts_.name + ": the node is down (crashed): restart() it first"}; }

void MemDisk::lose_cache_at_power_cut() {
  for (const Chunk& c : cache_) {
    double x = rng_.uniform();
    if (x < opts_.power_cut_survival) {
      apply(medium_, c, 0, c.length);
    } else if (x < opts_.power_cut_survival + opts_.power_cut_tear) {
      land_sectors(c);
    }
  }
  cache_.clear();
  cache_bytes_ = 0;
}

// A torn write: a random proper subset of its sectors reaches the medium. A write within
// one (atomic) sector cannot tear: it lands whole or not at all.
void MemDisk::land_sectors(const Chunk& c) {
  const std::uint64_t s = opts_.sector_bytes;
  const std::uint64_t first = c.offset / s;
  const std::uint64_t n = (c.offset + c.length - 1) / s - first + 1;
  std::vector<bool> lands(n);
  for (std::uint64_t i = 0; i < n; ++i) lands[i] = rng_.chance(0.5);
  if (n > 1 && std::all_of(lands.begin(), lands.end(), [&](bool b) { return b == lands[0]; }))
    lands[rng_.below(n)] = !lands[0];
  for (std::uint64_t i = 0; i < n; ++i) {
    if (!lands[i]) continue;
    std::uint64_t from = std::max((first + i) * s, c.offset) - c.offset;
    std::uint64_t to = std::min((first + i + 1) * s, c.offset + c.length) - c.offset;
    apply(medium_, c, from, to);
  }
}

// The crash hits in the middle of a call: `chunks` is what it was writing (none for a flush).
Status MemDisk::interrupt(const std::vector<Chunk>& chunks, const Armed& crash) {
  std::uint64_t total = 0;
  for (const Chunk& c : chunks) total += c.length;
  if (crash.kind == CrashKind::power_cut) {
    lose_cache_at_power_cut();  // a flush in progress had written back part of the cache
    if (crash.landed_prefix_bytes && !chunks.empty()) {
      std::uint64_t start = chunks.front().offset;
      std::uint64_t end = meta::round_down(start + *crash.landed_prefix_bytes, opts_.sector_bytes);
      land_prefix(chunks, end > start ? end - start : 0, medium_, false);
    } else {
      for (const Chunk& c : chunks) land_sectors(c);
    }
    view_ = medium_;
  } else {
    // kill -9 between the pwrite()s of the call: a prefix, in whole pages, reached the page cache.
    std::uint64_t keep = crash.landed_prefix_bytes ? meta::round_down(*crash.landed_prefix_bytes, kPage)
                                                   : rng_.below(meta::div_round_up(total, kPage) + 1) * kPage;
    land_prefix(chunks, keep, view_, true);
  }
  down_ = true;
  return down_error();
}

// The first `bytes` of the call's chunks, in order, land in `image` (and the cache).
void MemDisk::land_prefix(const std::vector<Chunk>& chunks, std::uint64_t bytes, std::string& image, bool cache_it) {
  for (const Chunk& c : chunks) {
    std::uint64_t n = std::min(bytes, c.length);
    if (n == 0) break;
    Chunk part{c.offset, n, c.bytes.empty() ? std::string() : c.bytes.substr(0, n)};
    apply(image, part, 0, n);
    if (cache_it) {
      cache_bytes_ += n;
      cache_.push_back(std::move(part));
    }
    bytes -= n;
  }
}

}  // namespace hamail::drbdlite::sim
