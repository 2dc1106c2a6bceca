// `hactl simulate` (simulate_command.h): reads cluster.yaml with the real loader (errors as
// `hactl config validate` prints them), the optional state and the faults, runs the
// simulator's scripted mode and prints the report. Bad input: a clear error, exit 2.
#include "hamail/hacore/cli/simulate_command.h"

#include <fstream>
#include <sstream>

#include "hamail/hacore/cli/simulate_state.h"
#include "hamail/hacore/config/cluster_config_loader.h"

namespace hamail::hactl {

const char* const kSimulateUsage =
    "usage: hactl simulate --config FILE [--state STATUS.json] --fault F [--fault F ...] [--json]\n"
    "  what-if: runs the real cluster core, scheduler and fencer of both nodes on the simulator\n"
    "  (no daemons, nothing on the cluster is touched) under the faults, and prints the timeline\n"
    "  and the verdict. --state: what `hactl status --json` printed (start from there, not a boot).\n"
    "  Faults (names from FILE), applied one after the other, each once the cluster settled:\n"
    "    cut cluster                    cut the corosync ring between the nodes\n"
    "    heal                           the ring is whole again; fence devices and agents work again\n"
    "    poweroff NODE | poweron NODE   power cut / power on (hacored starts ~2 s later)\n"
    "    crash hacored NODE             hacored dies, its resources keep running (until: start hacored NODE)\n"
    "    start hacored NODE\n"
    "    fail start RESOURCE on NODE    every start of RESOURCE on NODE fails (until heal)\n"
    "    fail monitor RESOURCE on NODE  RESOURCE dies on NODE (its next monitor finds out)\n"
    "    fence-device fails [DEVICE]    DEVICE (all devices if none named) fails (until heal)\n"
    "    switchover [GROUP] [to NODE]   as `hactl switchover`\n"
    "  F @SECONDS applies F at that time from the first fault's start, without waiting to settle.\n"
    "  Exit: 0 safe, 1 an invariant would break (a group on both nodes, or a group that could run\n"
    "  does not), 2 bad input (file, state or fault).\n";

namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot be read"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct SimulateArgs {
  std::string config, state;
  std::vector<std::string> faults;
  bool json = false;
};

Result<SimulateArgs> parse_args(const std::vector<std::string>& args) {
  SimulateArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string opt = args[i], value;
    bool inline_value = false;
    if (auto eq = opt.find('='); eq != std::string::npos && opt.rfind("--", 0) == 0) {
      value = opt.substr(eq + 1);
      opt = opt.substr(0, eq);
      inline_value = true;
    }
    if (opt == "--help" || opt == "-h") return Error{"help"};
    if (opt == "--json" && !inline_value) {
      a.json = true;
      continue;
    }
    if (opt != "--config" && opt != "--state" && opt != "--fault") return Error{"unexpected argument '" + args[i] + "'"};
    if (!inline_value) {
      if (i + 1 >= args.size()) return Error{opt + " needs a value"};
      value = args[++i];
    }
    if (opt == "--config") a.config = value;
    else if (opt == "--state") a.state = value;
    else a.faults.push_back(value);
  }
  if (a.config.empty()) return Error{"--config FILE is required"};
  if (a.faults.empty()) return Error{"at least one --fault is required"};
  return a;
}

}  // namespace

int run_simulate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto a = parse_args(args);
  if (!a && a.error() == "help") {
    out << kSimulateUsage;
    return 0;
  }
  if (!a) {
    err << "hactl simulate: " << a.error() << "\n" << kSimulateUsage;
    return 2;
  }
  auto load = config::load_cluster_config(a->config);
  for (const auto& e : load.errors) err << e.to_string() << "\n";
  if (!load.config) {
    err << "hactl simulate: " << a->config << ": " << load.errors.size()
        << (load.errors.size() == 1 ? " error" : " errors") << "\n";
    return 2;
  }
  hacore::sim::ScriptInput input;
  input.cfg = *load.config;
  if (!a->state.empty()) {
    auto text = read_file(a->state);
    if (!text) {
      err << "hactl simulate: " << text.error() << "\n";
      return 2;
    }
    std::vector<std::string> notes;
    auto st = parse_status_state(*text, a->state, input.cfg, notes);
    if (!st) {
      err << "hactl simulate: " << st.error() << "\n";
      return 2;
    }
    for (const auto& n : notes) err << "hactl simulate: note: " << n << "\n";
    input.state = std::move(*st);
  }
  for (const auto& f : a->faults) {
    auto fault = hacore::sim::parse_fault(f, input.cfg);
    if (!fault) {
      err << "hactl simulate: " << fault.error() << "\n";
      return 2;
    }
    input.faults.push_back(std::move(*fault));
  }
  auto r = hacore::sim::run_script(input);
  if (!r) {
    err << "hactl simulate: " << a->config << ": " << r.error() << "\n";
    return 2;
  }
  out << (a->json ? render_simulation_json(*r) : render_simulation_text(*r));
  return r->safe() ? 0 : 1;
}

}  // namespace hamail::hactl
