// Reading and checking cluster.yaml's `stonith:` section (internal to the loader):
// devices with their agent, hosts, params and run policy (timeout, retries, delays,
// monitor), the fence action, the race delay and the per-node topology of levels.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hamail/base/yaml_reader.h"
#include "hamail/hacore/config/cluster_config.h"

namespace hamail::config {

// Where each part came from, for errors found once every section is read.
struct StonithYaml {
  YAML::Node section;
  std::vector<YAML::Node> devices;
  YAML::Node topology;
};

void read_stonith(ErrorSink& sink, const YAML::Node& n, const std::string& path, StonithConfig& out,
                  StonithYaml& where, std::vector<std::string>& warnings);
// Devices name real nodes and are unique; the topology names nodes and devices that can
// fence them; with fencing enabled every node can be fenced.
void check_stonith(ErrorSink& sink, const StonithConfig& cfg, const StonithYaml& where, const YAML::Node& root,
                   const std::map<std::string, std::size_t>& node_names,
                   const std::function<std::string(const std::string&)>& unknown_node);

}  // namespace hamail::config
