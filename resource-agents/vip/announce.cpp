// announce(): one frame now, then fork a child in its own session (stdio on /dev/null,
// so callers reading the agent's output do not wait for it) for the remaining frames.
#include "announce.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hamail::vip {

namespace {

void sleep_ms(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

bool still_here(const LinkInfo& link, const IpAddress& ip) {
  auto nl = Netlink::open();
  if (!nl) return false;
  auto all = nl->addresses(ip.family);
  return all && find_address(*all, ip, link.ifindex).has_value();
}

[[noreturn]] void announce_rest(RawSocket& sock, const LinkInfo& link, const VipParams& p, const Frame& frame) {
  ::setsid();
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::close(null);
  }
  for (int i = 1; i < p.arp_count; ++i) {  // bounded by arp_count (<= 100)
    sleep_ms(p.arp_interval_ms);
    if (!still_here(link, p.ip)) break;
    if (!sock.send(frame)) break;
  }
  ::_exit(0);
}

}  // namespace

Status announce(RawSocket& sock, const LinkInfo& link, const VipParams& p) {
  if (p.arp_count <= 0) return Status::ok();
  const Frame frame = build_announcement(link.mac, p.ip);
  if (auto s = sock.send(frame); !s) return s;
  if (p.arp_count == 1) return Status::ok();
  pid_t pid = ::fork();
  if (pid == 0) announce_rest(sock, link, p, frame);
  if (pid < 0)  // the address is up and announced once: a warning, not a failed start
    std::fprintf(stderr, "vip: WARNING: announced %s once, but cannot fork for the other %d announcements: %s\n",
                 p.ip.to_string().c_str(), p.arp_count - 1, std::strerror(errno));
  return Status::ok();
}

}  // namespace hamail::vip
