// hactl: the operator's command-line interface to the cluster.
#include <iostream>
#include <string>
#include <vector>

#include "config_commands.h"

namespace {

void usage(std::ostream& o) {
  o << "usage: hactl COMMAND ...\n"
       "  config validate FILE     check cluster.yaml; prints OK or every error (file:line:col: key: what)\n"
       "  config corosync FILE     print the corosync.conf generated from cluster.yaml\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    usage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "config") return hamail::hactl::run_config_command({args.begin() + 1, args.end()});
  std::cerr << "hactl: unknown command '" << args[0] << "'\n";
  usage(std::cerr);
  return 2;
}
