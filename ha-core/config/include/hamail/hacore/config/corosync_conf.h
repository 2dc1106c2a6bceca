// Renders corosync.conf from cluster.yaml, so the operator keeps one source of truth:
// knet transport, crypto with the configured authkey, the nodelist with one ring
// address per link, votequorum (two_node or a qdevice) and the totem timing.
#pragma once

#include <string>

#include "hamail/hacore/config/cluster_config.h"

namespace hamail::config {

std::string render_corosync_conf(const ClusterConfig& cfg);

}  // namespace hamail::config
