// corosync's knet links to the other nodes, read through libcfg (what `corosync-cfgtool
// -s` prints): one blocking call per reading, meant for the loop's thread pool
// (uv::run_blocking); it connects, asks for each node and disconnects, so a restarted
// corosync is simply read again.
#pragma once

#include <cstdint>
#include <vector>

#include "hamail/hacore/daemon/corosync_links.h"

namespace hamail::hacore {

// The enabled links to each of `peer_nodeids`; error set (peers empty) when corosync
// cannot be asked.
LinkReading read_corosync_links(const std::vector<std::uint32_t>& peer_nodeids);

}  // namespace hamail::hacore
