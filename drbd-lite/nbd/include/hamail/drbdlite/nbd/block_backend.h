// The block device the NBD server exports: drbd-lite's replication core implements
// it (completions arrive asynchronously, in any order, when the peer acks); the
// FileBackend implements it over a plain file. All calls happen on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "hamail/base/result.h"

namespace hamail::drbdlite::nbd {

class BlockBackend {
 public:
  using ReadDone = std::function<void(Result<std::string>)>;
  using Done = std::function<void(Status)>;

  virtual ~BlockBackend() = default;

  virtual std::uint64_t size() const = 0;
  // Ok while I/O is allowed (Primary); otherwise why not, e.g.
  // "volume r0 is Secondary: I/O refused". The message reaches the NBD client.
  virtual Status accepting_io() const = 0;

  // Each operation calls `done` exactly once, possibly before returning. Ranges are
  // already checked against size(); `len` > 0.
  virtual void read(std::uint64_t off, std::uint32_t len, ReadDone done) = 0;
  // `fua`: the data must be on stable storage (both disks with protocol C) before done.
  virtual void write(std::uint64_t off, std::string data, bool fua, Done done) = 0;
  // Every write completed before this call reaches stable storage before done.
  virtual void flush(Done done) = 0;
  // A hint: the range's contents become unspecified; may do nothing.
  virtual void trim(std::uint64_t off, std::uint32_t len, Done done) = 0;
  // The range reads as zeroes afterwards. `may_punch`: it may be deallocated (false
  // for NBD_CMD_FLAG_NO_HOLE).
  virtual void write_zeroes(std::uint64_t off, std::uint32_t len, bool may_punch, bool fua, Done done) = 0;
};

// The NBD error a backend failure is reported with. A backend picks one by starting
// its message with the name and ": ", e.g. io_error(kEnospc, "...") gives
// "ENOSPC: ..."; any other message maps to EIO.
Status io_error(std::uint32_t nbd_error, const std::string& message);
std::uint32_t nbd_error_of(const Status& failure);

}  // namespace hamail::drbdlite::nbd
