// Runs hactl on the peer node through ssh: `ssh -o BatchMode=yes root@ADDRESS hactl ...`,
// or with the command prefix in HAMAIL_SSH instead of `ssh -o BatchMode=yes` (an admin's
// `ssh -i KEY -p PORT`, a test's fake). Data travels on ssh's stdin only: the remote
// command line holds no secret, and neither does any message made here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::hactl {

struct Peer {
  std::string name;     // the node's name in cluster.yaml, for messages
  std::string address;  // where ssh reaches it (its ring 0 address)
};

struct PeerReply {
  std::string out;  // the remote hactl's stdout
  std::string err;  // its stderr
};

// Runs `hactl ARGS...` on the peer with `stdin_data` on its stdin. Ok when it exited 0;
// otherwise an error saying what failed: ssh itself (exit 255: how to check the ssh
// access), no hactl there (127), or the remote hactl's own error lines, each prefixed
// with the peer's name.
Result<PeerReply> run_hactl_on_peer(const Peer& peer, const std::vector<std::string>& args, const std::string& stdin_data,
                                    std::uint64_t timeout_ms);

}  // namespace hamail::hactl
