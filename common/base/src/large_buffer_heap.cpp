#include "hamail/base/large_buffer_heap.h"

#include <malloc.h>

#include <string>

namespace hamail {

Status keep_large_buffers_in_heap(std::size_t keep_free_bytes) {
  // 32 MiB is the largest mmap threshold glibc accepts on 64-bit (half its heap size).
  constexpr int kMmapThreshold = 32 << 20;
  if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) != 1)
    return Error{"mallopt(M_MMAP_THRESHOLD, " + std::to_string(kMmapThreshold) + ") was refused"};
  if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(keep_free_bytes)) != 1)
    return Error{"mallopt(M_TRIM_THRESHOLD, " + std::to_string(keep_free_bytes) + ") was refused"};
  return Status::ok();
}

}  // namespace hamail
