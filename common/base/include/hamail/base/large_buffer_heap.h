#pragma once
// Keeps freed large buffers (NBD requests, replication frames, TLS records of up to a few
// MiB) in the heap for the next request instead of glibc's fresh mmap for each: in a VM a
// fresh 1 MiB buffer costs 256 page faults, which made a replicated 1 MiB write 9x slower.
#include "hamail/base/result.h"

namespace hamail {

// Buffers under 32 MiB come from the heap; the heap returns memory to the kernel only when
// more than `keep_free_bytes` is free at its top. Call once, before the loop starts.
Status keep_large_buffers_in_heap(std::size_t keep_free_bytes);

}  // namespace hamail
