// `hactl config import-heartbeat HA_CF HARESOURCES [AUTHKEYS] [-o FILE [--force]]`: reads
// the Heartbeat v1 files and writes the cluster.yaml that config::import_heartbeat() makes.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace hamail::hactl {

// args: what follows `config import-heartbeat`. Returns the exit code: 0 written (notes on
// err), 1 a file unreadable / not convertible / not written, 2 usage error.
int run_import_heartbeat(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace hamail::hactl
