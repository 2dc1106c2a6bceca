// corosync-membership-probe: prints this node's view of the cluster, read through the
// real libquorum and libcpg, as one JSON line:
//   {"nodeid":1,"quorate":true,"ring_seq":12,"members":[1,2],"totem_members":[1,2]}
// Options: --timeout-ms N (default 5000). Exit 0 on success, 1 when corosync cannot be
// reached or does not answer in time (the reason goes to stderr).
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "hamail/hacore/corosync/membership_source.h"

namespace {

std::string json_ids(const std::vector<std::uint32_t>& ids) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}

}  // namespace

int main(int argc, char** argv) {
  int timeout_ms = 5000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) {
      timeout_ms = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: corosync-membership-probe [--timeout-ms N]\n");
      return 2;
    }
  }
  hamail::corosync::MembershipSource source;
  hamail::Status st = source.connect("hamail-probe", nullptr);
  if (!st) {
    std::fprintf(stderr, "corosync-membership-probe: %s\n", st.message().c_str());
    return 1;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!source.complete()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      std::fprintf(stderr, "corosync-membership-probe: no membership report from corosync within %d ms\n", timeout_ms);
      return 1;
    }
    pollfd fds[2] = {{source.quorum_fd(), POLLIN, 0}, {source.cpg_fd(), POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) {
      std::perror("poll");
      return 1;
    }
    hamail::Status d = hamail::Status::ok();
    if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) d = source.dispatch_quorum();
    if (d && n > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) d = source.dispatch_cpg();
    if (!d) {
      std::fprintf(stderr, "corosync-membership-probe: %s\n", d.message().c_str());
      return 1;
    }
  }
  const auto& v = source.view();
  std::printf("{\"nodeid\":%u,\"quorate\":%s,\"ring_seq\":%llu,\"members\":%s,\"totem_members\":%s}\n",
              v.local_nodeid, v.quorate ? "true" : "false", static_cast<unsigned long long>(v.ring_seq),
              json_ids(v.members).c_str(), json_ids(v.totem_members).c_str());
  return 0;
}
