#include "hamail/drbdlite/daemon/file_disk.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "hamail/drbdlite/meta/metadata_layout.h"

namespace hamail::drbdlite {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

Result<int> open_device(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open " + path + ": " + errno_text(errno)};
  return fd;
}

// The data device and the metadata device (the same descriptor for internal metadata).
Result<std::pair<int, int>> open_devices(const DiskPaths& paths) {
  auto data_fd = open_device(paths.lower);
  if (!data_fd) return Error{data_fd.error()};
  if (!paths.meta) return std::make_pair(*data_fd, *data_fd);
  auto m = open_device(*paths.meta);
  if (!m) {
    ::close(*data_fd);
    return Error{m.error()};
  }
  return std::make_pair(*data_fd, *m);
}

Status pread_all(int fd, void* buf, std::size_t len, std::uint64_t off, const std::string& what) {
  auto* p = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = ::pread(fd, p, len, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"read of " + what + " at " + std::to_string(off) + ": " + errno_text(errno)};
    if (n == 0) return Error{"read of " + what + " at " + std::to_string(off) + ": unexpected end of device"};
    p += n;
    len -= static_cast<std::size_t>(n);
    off += static_cast<std::uint64_t>(n);
  }
  return Status::ok();
}

Result<meta::MetadataLayout> compute_layout(const DiskPaths& paths, int data_fd, int meta_fd) {
  auto lower = device_size(data_fd, paths.lower);
  if (!lower) return Error{lower.error()};
  meta::LayoutOptions opts;
  opts.data_bytes = paths.size;
  if (!paths.meta) return meta::layout_internal(*lower, opts);
  auto meta_bytes = device_size(meta_fd, *paths.meta);
  if (!meta_bytes) return Error{meta_bytes.error()};
  return meta::layout_external(*lower, *meta_bytes, opts);
}

}  // namespace

Result<std::uint64_t> device_size(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error{"cannot stat " + path + ": " + errno_text(errno)};
  if (S_ISBLK(st.st_mode)) {
    std::uint64_t bytes = 0;
    if (::ioctl(fd, BLKGETSIZE64, &bytes) != 0) return Error{"cannot get the size of " + path + ": " + errno_text(errno)};
    return bytes;
  }
  if (!S_ISREG(st.st_mode)) return Error{path + " is neither a block device nor a regular file"};
  return static_cast<std::uint64_t>(st.st_size);
}

FileDisk::FileDisk(int data_fd, int meta_fd, std::string lower, std::string meta_path, meta::MetadataLayout layout,
                   std::uint64_t device_id)
    : data_fd_(data_fd), meta_fd_(meta_fd), lower_(std::move(lower)), meta_path_(std::move(meta_path)),
      layout_(layout), device_id_(device_id) {}

FileDisk::~FileDisk() {
  if (meta_fd_ >= 0 && meta_fd_ != data_fd_) ::close(meta_fd_);
  if (data_fd_ >= 0) ::close(data_fd_);
}

Status FileDisk::create_metadata(const DiskPaths& paths, std::uint64_t device_id, bool force) {
  auto fds = open_devices(paths);
  if (!fds) return Error{fds.error()};
  auto data_fd = std::optional<int>(fds->first);
  int meta_fd = fds->second;
  auto close_all = [&] {
    if (meta_fd != *data_fd) ::close(meta_fd);
    ::close(*data_fd);
  };
  auto layout = compute_layout(paths, *data_fd, meta_fd);
  if (!layout) {
    close_all();
    return Error{layout.error()};
  }
  std::string meta_path = paths.meta.value_or(paths.lower);
  if (!force) {
    // Valid metadata already there? Refuse: create-md would forget which data this is.
    meta::SuperblockSlot s0{}, s1{};
    if (pread_all(meta_fd, s0.data(), s0.size(), layout->superblock_slot_offset(0), "superblock") &&
        pread_all(meta_fd, s1.data(), s1.size(), layout->superblock_slot_offset(1), "superblock")) {
      meta::DeviceSizes dev{layout->meta_device_bytes, paths.meta ? 0 : layout->meta_device_bytes};
      if (paths.meta) {
        auto lb = device_size(*data_fd, paths.lower);
        dev.lower_bytes = lb ? *lb : 0;
      }
      if (meta::decode_superblocks(s0, s1, dev)) {
        close_all();
        return Error{meta_path + " already holds drbd-lite metadata: use --force to overwrite it (this node then "
                                 "counts as empty and takes a full sync)"};
      }
    }
  }
  FileDisk disk(*data_fd, meta_fd, paths.lower, meta_path, *layout, device_id);
  // Zero the bitmap and the AL ring, then write both superblock slots.
  std::vector<std::uint8_t> zeros(1 << 20, 0);
  for (std::uint64_t off = 0; off < layout->bitmap_bytes; off += zeros.size()) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), layout->bitmap_bytes - off));
    if (Status st = disk.pwrite_all(meta_fd, zeros.data(), n, layout->bitmap_offset + off, "bitmap"); !st) return st;
  }
  for (std::uint32_t s = 0; s < layout->al_slots; ++s) {
    if (Status st = disk.pwrite_all(meta_fd, zeros.data(), meta::kPageBytes, layout->al_slot_offset(s), "activity log");
        !st)
      return st;
  }
  meta::Superblock sb;
  sb.layout = *layout;
  sb.device_id = device_id;
  for (std::uint64_t seq : {1, 2}) {
    sb.seq = seq;
    if (Status st = disk.write_superblock(sb); !st) return st;
  }
  return disk.flush();  // the destructor closes the descriptors
}

Result<std::pair<std::unique_ptr<FileDisk>, AttachedMetadata>> FileDisk::attach(const DiskPaths& paths) {
  auto fds = open_devices(paths);
  if (!fds) return Error{fds.error()};
  auto [data_fd, meta_fd] = *fds;
  std::string meta_path = paths.meta.value_or(paths.lower);
  std::unique_ptr<FileDisk> disk(new FileDisk(data_fd, meta_fd, paths.lower, meta_path, {}, 0));
  auto lower_bytes = device_size(data_fd, paths.lower);
  if (!lower_bytes) return Error{lower_bytes.error()};
  auto meta_bytes = device_size(meta_fd, meta_path);
  if (!meta_bytes) return Error{meta_bytes.error()};
  auto read = [fd = meta_fd](std::uint64_t off, std::span<std::uint8_t> into, const std::string& what) {
    return pread_all(fd, into.data(), into.size(), off, what);
  };
  auto md = meta::read_device_metadata(read, meta::DeviceSizes{*meta_bytes, *lower_bytes}, meta_path);
  if (!md) return Error{md.error()};
  if (paths.size && *paths.size != md->sb.layout.data_bytes)
    return Error{meta_path + ": configured size " + std::to_string(*paths.size) + " bytes differs from the metadata's " +
                 std::to_string(md->sb.layout.data_bytes) + " bytes"};
  disk->layout_ = md->sb.layout;
  disk->device_id_ = md->sb.device_id;
  return std::make_pair(std::move(disk), std::move(*md));
}

Status FileDisk::pwrite_all(int fd, const void* buf, std::size_t len, std::uint64_t off, const std::string& what) {
  const auto* p = static_cast<const char*>(buf);
  while (len > 0) {
    ssize_t n = ::pwrite(fd, p, len, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"write of " + what + " at " + std::to_string(off) + ": " + errno_text(errno)};
    p += n;
    len -= static_cast<std::size_t>(n);
    off += static_cast<std::uint64_t>(n);
    written(fd);
  }
  return Status::ok();
}

void FileDisk::written(int fd) {
  if (fd == data_fd_) data_dirty_ = true;
  if (fd == meta_fd_) meta_dirty_ = true;
}

Status FileDisk::sync(int fd, const std::string& what) {
  ++fdatasyncs_;
  if (::fdatasync(fd) != 0) return Error{"fdatasync of " + what + ": " + errno_text(errno)};  // still dirty
  if (fd == data_fd_) data_dirty_ = false;
  if (fd == meta_fd_) meta_dirty_ = false;
  return Status::ok();
}

Result<std::string> FileDisk::read(std::uint64_t offset, std::uint32_t length) {
  std::string buf(length, '\0');
  if (Status st = pread_all(data_fd_, buf.data(), length, offset, lower_); !st) return Error{st.message()};
  return buf;
}

Status FileDisk::write(std::uint64_t offset, std::string_view data, bool fua) {
  if (Status st = pwrite_all(data_fd_, data.data(), data.size(), offset, lower_); !st) return st;
  return fua ? sync(data_fd_, lower_) : Status::ok();
}

Status FileDisk::discard(std::uint64_t offset, std::uint32_t length, bool zeroes, bool fua) {
  // Both trim and write-zeroes leave zeroes here, so the replicas stay identical.
  int mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
  written(data_fd_);  // even a failed punch may have changed blocks
  if (::fallocate(data_fd_, mode, static_cast<off_t>(offset), length) != 0) {
    if (errno != EOPNOTSUPP && errno != ENODEV) return Error{"discard on " + lower_ + ": " + errno_text(errno)};
    std::vector<char> zeros(std::min<std::uint32_t>(length, 1u << 20), 0);
    for (std::uint64_t done = 0; done < length;) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), length - done));
      if (Status st = pwrite_all(data_fd_, zeros.data(), n, offset + done, lower_); !st) return st;
      done += n;
    }
  }
  (void)zeroes;
  return fua ? sync(data_fd_, lower_) : Status::ok();
}

Status FileDisk::flush() {
  if (data_dirty_ || (meta_dirty_ && meta_fd_ == data_fd_))
    if (Status st = sync(data_fd_, lower_); !st) return st;
  return meta_dirty_ && meta_fd_ != data_fd_ ? sync(meta_fd_, meta_path_) : Status::ok();
}

Status FileDisk::write_superblock(const meta::Superblock& sb) {
  meta::SuperblockSlot slot = meta::encode_superblock(sb);
  std::uint64_t off = layout_.superblock_slot_offset(meta::superblock_slot_for(sb.seq));
  if (Status st = pwrite_all(meta_fd_, slot.data(), slot.size(), off, meta_path_ + " superblock"); !st) return st;
  return sync(meta_fd_, meta_path_);
}

Status FileDisk::write_al(const meta::AlTransaction& tx) {
  meta::AlRecord rec = meta::encode_al_record(tx, device_id_);
  std::uint64_t off = layout_.al_slot_offset(meta::al_slot_for(tx.seq, layout_.al_slots));
  if (Status st = pwrite_all(meta_fd_, rec.data(), rec.size(), off, meta_path_ + " activity log"); !st) return st;
  return sync(meta_fd_, meta_path_);
}

Status FileDisk::write_bitmap_pages(const meta::Bitmap& bm, const std::vector<std::uint64_t>& pages) {
  for (std::uint64_t p : pages) {
    meta::Bitmap::Page page = bm.page_bytes(p);
    if (Status st = pwrite_all(meta_fd_, page.data(), page.size(), layout_.bitmap_page_offset(p), meta_path_ + " bitmap");
        !st)
      return st;
  }
  return sync(meta_fd_, meta_path_);
}

}  // namespace hamail::drbdlite
