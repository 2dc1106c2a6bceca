// When a Maildir directory's mtime can be trusted to show every later change (sans-IO):
// the kernel stamps mtimes from a coarse clock, so a change within the same tick as a
// stat leaves the mtime as the stat saw it. A listing is trusted only when the mtimes
// it was taken with are older than one tick's worth (see README.md, "Stamp").
#pragma once

#include <cstdint>
#include <initializer_list>

namespace hamail::mailsvc::store {

// Whole-second timestamps (every directory's tv_nsec is 0: ext3, FAT, some network file
// systems): 2 s, as FAT rounds to 2 s.
inline constexpr std::int64_t kCoarseMtimeWindowNs = 2'000'000'000;
// Nanosecond timestamps (ext4, xfs, btrfs, tmpfs): the kernel's coarse clock ticks every
// 1-10 ms (CONFIG_HZ 1000..100); 100 ms is ten ticks at the slowest.
inline constexpr std::int64_t kFineMtimeWindowNs = 100'000'000;

// The window for a mailbox whose directories (new/, cur/, tmp/) have these mtimes (ns):
// fine when any has a sub-second part.
std::int64_t mtime_window_ns(std::initializer_list<std::int64_t> dir_mtimes_ns);

// An mtime far enough in the past: a change after `now_ns` cannot leave it as it is.
inline bool mtime_settled(std::int64_t mtime_ns, std::int64_t now_ns, std::int64_t window_ns) {
  return mtime_ns < now_ns - window_ns;
}

}  // namespace hamail::mailsvc::store
