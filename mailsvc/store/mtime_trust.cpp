#include "hamail/mailsvc/store/mtime_trust.h"

namespace hamail::mailsvc::store {

std::int64_t mtime_window_ns(std::initializer_list<std::int64_t> dir_mtimes_ns) {
  for (std::int64_t t : dir_mtimes_ns)
    if (t % 1'000'000'000 != 0) return kFineMtimeWindowNs;
  return kCoarseMtimeWindowNs;
}

}  // namespace hamail::mailsvc::store
