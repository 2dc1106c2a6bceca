#include "hamail/hacore/cli/config_commands.h"

#include <iostream>

#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/config/corosync_conf.h"

namespace hamail::hactl {

static void print_load_problems(const config::ConfigLoad& load) {
  for (const auto& w : load.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  if (!load.errors.empty())
    std::cerr << load.errors.size() << (load.errors.size() == 1 ? " error" : " errors") << "\n";
}

int run_config_command(const std::vector<std::string>& args) {
  if (args.size() != 2 || (args[0] != "validate" && args[0] != "corosync")) {
    std::cerr << "usage: hactl config validate FILE\n"
                 "       hactl config corosync FILE   (prints corosync.conf on stdout)\n";
    return 2;
  }
  config::ConfigLoad load = config::load_cluster_config(args[1]);
  print_load_problems(load);
  if (!load.config) return 1;
  if (args[0] == "validate") {
    std::cout << "OK: " << args[1] << ": cluster '" << load.config->name << "', " << load.config->nodes.size()
              << " nodes, " << load.config->volumes.size() << " volumes, " << load.config->groups.size()
              << " groups\n";
  } else {
    std::cout << config::render_corosync_conf(*load.config);
  }
  return 0;
}

}  // namespace hamail::hactl
