// hactl: the operator's command-line interface to the cluster: offline `config`
// commands on cluster.yaml, `cluster` setup/start/stop, and the commands that talk to
// hacored's control socket.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "hamail/base/version.h"
#include "hamail/hacore/cli/cluster_commands.h"
#include "hamail/hacore/cli/config_commands.h"
#include "hamail/hacore/cli/daemon_commands.h"
#include "hamail/hacore/cli/invocation.h"
#include "hamail/hacore/cli/simulate_command.h"
#include "hamail/hacore/cli/usage.h"

int main(int argc, char** argv) {
  using namespace hamail::hactl;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (args[0] == "--version") {
    std::cout << hamail::version_text("hactl");
    return 0;
  }
  if (args[0] == "simulate") return run_simulate_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args[0] == "help" || std::any_of(args.begin(), args.end(), [](const std::string& a) {
        return a == "-h" || a == "--help";
      })) {
    std::cout << kUsage;
    return 0;
  }
  if (args[0] == "config") return run_config_command({args.begin() + 1, args.end()});
  if (args[0] == "cluster") return run_cluster_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
  auto inv = parse_invocation(args, now_epoch_ms());
  if (!inv) {
    std::cerr << "hactl: " << inv.error() << "\n" << kUsage;
    return 2;
  }
  try {
    return run_daemon_command(*inv, std::cout, std::cerr);
  } catch (const nlohmann::json::exception& e) {  // a field of an unexpected type in a reply or event
    std::cerr << "hactl: unexpected data from hacored: " << e.what() << "\n";
    return 1;
  }
}
