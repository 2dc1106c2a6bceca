// The bounds every request is held to while it is read: what a client may make the
// server hold in memory before it is answered with 414, 431 or 413 and closed.
#pragma once

#include <cstddef>

namespace hamail::mailsvc::http {

struct RequestLimits {
  std::size_t max_target_bytes = 4096;    // request-target, else 414
  std::size_t max_header_bytes = 16384;   // request line + fields (names, values, 4 per field), else 431
  std::size_t max_header_count = 100;     // fields, else 431
  std::size_t max_body_bytes = 1 << 20;   // Content-Length or de-chunked bytes, else 413
};

}  // namespace hamail::mailsvc::http
