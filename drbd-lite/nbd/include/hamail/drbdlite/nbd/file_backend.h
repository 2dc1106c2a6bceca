// A BlockBackend over a plain file or block device with pread/pwrite/fdatasync and
// fallocate hole punching; synchronous on the loop thread. The StandAlone yardstick
// and the backend of the tests and of nbd-file-server.
#pragma once

#include <memory>
#include <string>

#include "hamail/drbdlite/nbd/block_backend.h"

namespace hamail::drbdlite::nbd {

class FileBackend : public BlockBackend {
 public:
  // Opens `path` (read-write unless `read_only`); its current size is the export size.
  static Result<std::unique_ptr<FileBackend>> open(const std::string& path, bool read_only = false);
  ~FileBackend() override;
  FileBackend(const FileBackend&) = delete;
  FileBackend& operator=(const FileBackend&) = delete;

  std::uint64_t size() const override { return size_; }
  Status accepting_io() const override;
  void read(std::uint64_t off, std::uint32_t len, ReadDone done) override;
  void write(std::uint64_t off, std::string data, bool fua, Done done) override;
  void flush(Done done) override;
  void trim(std::uint64_t off, std::uint32_t len, Done done) override;
  void write_zeroes(std::uint64_t off, std::uint32_t len, bool may_punch, bool fua, Done done) override;

  // Test hook: refuse all I/O with this reason (like a Secondary volume); ok again clears it.
  void set_refusal(Status reason) { refusal_ = std::move(reason); }

 private:
  FileBackend(int fd, std::string path, std::uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  Status pwrite_all(std::uint64_t off, const char* data, std::size_t len);
  Status sync();
  std::string where(const char* op, std::uint64_t off, std::uint64_t len) const;

  int fd_;
  std::string path_;
  std::uint64_t size_;
  Status refusal_;
};

}  // namespace hamail::drbdlite::nbd
