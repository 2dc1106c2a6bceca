#include "hamail/drbdlite/nbd/block_backend.h"

#include "hamail/drbdlite/nbd/protocol.h"

namespace hamail::drbdlite::nbd {

Status io_error(std::uint32_t nbd_error, const std::string& message) {
  return Error{error_name(nbd_error) + ": " + message};
}

std::uint32_t nbd_error_of(const Status& failure) {
  if (failure.is_ok()) return 0;
  const std::string& m = failure.message();
  for (std::uint32_t e : {kEperm, kEio, kEnomem, kEinval, kEnospc, kEoverflow, kEnotsup, kEshutdown}) {
    std::string prefix = error_name(e) + ": ";
    if (m.compare(0, prefix.size(), prefix) == 0) return e;
  }
  return kEio;
}

}  // namespace hamail::drbdlite::nbd
