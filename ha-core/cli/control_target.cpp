#include "hamail/hacore/cli/control_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

namespace hamail::hactl {

namespace {

struct ControlSection {
  std::string socket;
  std::string group;
};

// Reads only control.socket / control.group: the daemon has validated the rest, and a
// typo elsewhere should not lock the operator out of a running cluster.
Result<ControlSection> read_control_section(const std::string& file) {
  ControlSection out;
  try {
    YAML::Node root = YAML::LoadFile(file);
    YAML::Node control = root.IsMap() ? root["control"] : YAML::Node();
    out.group = "root";  // cluster.yaml's default
    if (!control.IsDefined() || control.IsNull()) return out;
    if (!control.IsMap()) return Error{file + ": control: expected a mapping (hactl config validate " + file + ")"};
    if (control["socket"].IsDefined()) {
      if (!control["socket"].IsScalar() || control["socket"].as<std::string>().empty())
        return Error{file + ": control.socket: expected a path (hactl config validate " + file + ")"};
      out.socket = control["socket"].as<std::string>();
    }
    if (control["group"].IsDefined() && control["group"].IsScalar()) out.group = control["group"].as<std::string>();
  } catch (const YAML::BadFile&) {
    return Error{"cannot read " + file};
  } catch (const YAML::Exception& e) {
    return Error{file + ": cannot parse: " + e.what() + " (hactl config validate " + file + ")"};
  }
  return out;
}

bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<ControlEndpoint> resolve_control_endpoint(const std::optional<std::string>& config_file,
                                                 const std::optional<std::string>& socket) {
  ControlEndpoint ep;
  ep.daemon = "hacored";
  std::string file = config_file.value_or(kDefaultConfigFile);
  if (config_file && !exists(file)) return Error{"cannot read " + file + ": no such file (given with --config)"};
  // A default config this user may not read (root-only cluster.yaml) is skipped, not fatal.
  bool readable = ::access(file.c_str(), R_OK) == 0;
  if (config_file && !readable) return Error{"cannot read " + file + ": permission denied (given with --config)"};
  if (readable) {
    auto section = read_control_section(file);
    if (!section && !socket) return Error{section.error()};
    if (section) {
      ep.path = section->socket;
      ep.group = section->group;
    }
  }
  if (socket) ep.path = *socket;
  if (ep.path.empty()) ep.path = kDefaultSocket;
  return ep;
}

}  // namespace hamail::hactl
