#include "hamail/hacore/cli/config_commands.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "hamail/hacore/cli/agent_check.h"
#include "hamail/hacore/cli/heartbeat_import_command.h"
#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/config/corosync_conf.h"
#include "hamail/hacore/cli/program_runner.h"

namespace hamail::hactl {
namespace {

void print_load_problems(const config::ConfigLoad& load) {
  for (const auto& w : load.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  if (!load.errors.empty())
    std::cerr << load.errors.size() << (load.errors.size() == 1 ? " error" : " errors") << "\n";
}

// drbd-lite's CLI: beside this hactl (a build's bin/, or /usr/sbin next to /usr/sbin), else on PATH.
std::optional<std::string> find_drbdlite() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = self.parent_path() / "drbdlite";
    if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / "drbdlite";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return std::nullopt;
}

// The volumes: section belongs to drbd-lite: `drbdlite config check FILE` checks it (no
// link between the components, one source of truth for its rules). Returns 0 / 1.
int check_volumes(const std::string& file) {
  auto drbdlite = find_drbdlite();
  if (!drbdlite) {
    std::cerr << "warning: volumes: not checked: the drbdlite program (drbd-lite) is not installed\n";
    return 0;
  }
  uv::ChildOptions o;
  o.argv = {*drbdlite, "config", "check", file};
  o.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"};
  o.timeout_ms = 10000;
  auto result = run_program(std::move(o));
  if (!result) {
    std::cerr << "hactl: volumes: " << result.error() << "\n";
    return 1;
  }
  std::cout << result->stdout_data;
  std::cerr << result->stderr_data;
  if (result->exit_code == 0) return 0;
  if (result->stderr_data.empty()) std::cerr << "hactl: volumes: drbdlite config check: " << result->describe() << "\n";
  return 1;
}

}  // namespace

int run_config_command(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "import-heartbeat") return run_import_heartbeat({args.begin() + 1, args.end()}, std::cout, std::cerr);
  if (args.size() != 2 || (args[0] != "validate" && args[0] != "corosync")) {
    std::cerr << "usage: hactl config validate FILE\n"
                 "       hactl config corosync FILE   (prints corosync.conf on stdout)\n"
                 "       hactl config import-heartbeat HA_CF HARESOURCES [AUTHKEYS] [-o FILE [--force]]\n";
    return 2;
  }
  config::ConfigLoad load = config::load_cluster_config(args[1]);
  print_load_problems(load);
  if (args[0] == "corosync") {
    if (!load.config) return 1;
    std::cout << config::render_corosync_conf(*load.config);
    return 0;
  }
  if (load.config) {
    AgentPaths paths;
    if (const char* root = std::getenv("OCF_ROOT"); root && *root) paths.ocf_root = root;
    auto installed = [](const std::string& p) { return ::access(p.c_str(), X_OK) == 0 || std::filesystem::is_regular_file(p); };
    for (const auto& w : missing_agents(*load.config, paths, installed)) std::cerr << "warning: " << w << "\n";
  }
  if (load.config)
    std::cout << "OK: " << args[1] << ": cluster '" << load.config->name << "', " << load.config->nodes.size()
              << " nodes, " << load.config->groups.size() << " groups\n";
  int volumes = check_volumes(args[1]);
  return load.config && volumes == 0 ? 0 : 1;
}

}  // namespace hamail::hactl
