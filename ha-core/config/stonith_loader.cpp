#include "stonith_loader.h"

#include <algorithm>
#include <functional>
#include <set>

namespace hamail::config {
namespace {

const std::set<std::string> kSecretKeys = {"password", "passwd"};

StonithDevice read_device(ErrorSink& sink, const YAML::Node& item, const std::string& p,
                          std::vector<std::string>& warnings) {
  MapReader d(sink, item, p);
  StonithDevice dev;
  if (!d.valid()) return dev;
  dev.name = d.string("name", Need::required).value_or("");
  if (!dev.name.empty() && !is_plain_name(dev.name))
    sink.add(d.child("name"), d.key_path("name"), "a device name must be letters, digits, '-', '_' or '.' (at most 63)");
  dev.agent = d.string("agent", Need::required).value_or("");
  if (!dev.agent.empty() && (dev.agent.rfind("fence_", 0) != 0 || dev.agent.find('/') != std::string::npos))
    sink.add(d.child("agent"), d.key_path("agent"), "expected a fence-agents program name such as fence_ipmilan");
  dev.hosts = d.string_list("hosts", Need::required).value_or(std::vector<std::string>{});
  dev.params = d.string_map("params").value_or(std::map<std::string, std::string>{});
  dev.host_map = d.string_map("host_map").value_or(std::map<std::string, std::string>{});
  dev.password_file = d.absolute_path("password_file").value_or("");
  if (auto v = d.duration("timeout")) dev.timeout = *v;
  if (auto v = d.integer("retries", 0, 10)) dev.retries = static_cast<int>(*v);
  if (auto v = d.duration("delay_base")) dev.delay_base = *v;
  if (auto v = d.duration("delay_max")) dev.delay_max = *v;
  if (auto v = d.duration("monitor_interval")) dev.monitor_interval = *v;
  for (const auto& [k, v] : dev.params) {
    if (k == "action" || k == "plug" || k == "port" || k == "nodename")
      sink.add(d.child("params"), d.key_path("params") + "." + k,
               "'" + k + "' is set by hacored for each run (use host_map for plugs)");
    if (kSecretKeys.count(k))
      warnings.push_back(p + ".params." + k + ": a secret in cluster.yaml (readable wherever the file is); "
                         "prefer password_file or params.password_script");
  }
  if (!dev.password_file.empty() && (dev.params.count("password") || dev.params.count("passwd")))
    sink.add(d.child("password_file"), d.key_path("password_file"), "set either password_file or params.password, not both");
  d.finish();
  return dev;
}

void read_topology(ErrorSink& sink, const YAML::Node& n, const std::string& path, StonithConfig& out) {
  if (!n.IsDefined()) return;
  if (!n.IsMap()) {
    sink.add(n, path, "expected a mapping of node names to lists of levels, e.g. node1: [[pdu-a, pdu-b], ipmi-1]");
    return;
  }
  for (const auto& kv : n) {
    std::string node = kv.first.as<std::string>("");
    std::string np = path + "." + node;
    FenceLevels levels;
    for_each_item(sink, kv.second, np, [&](const YAML::Node& level, const std::string& lp) {
      std::vector<std::string> devices;
      if (level.IsScalar()) {
        devices.push_back(level.as<std::string>(""));
      } else {
        for_each_item(sink, level, lp, [&](const YAML::Node& d, const std::string& dp) {
          if (d.IsScalar()) devices.push_back(d.as<std::string>(""));
          else sink.add(d, dp, "expected a device name");
        });
      }
      if (devices.empty()) sink.add(level, lp, "a level names at least one device");
      levels.push_back(std::move(devices));
    });
    if (kv.second.IsSequence() && levels.empty()) sink.add(kv.second, np, "no levels: list at least one");
    out.topology[node] = std::move(levels);
  }
}

}  // namespace

void read_stonith(ErrorSink& sink, const YAML::Node& n, const std::string& path, StonithConfig& out,
                  StonithYaml& where, std::vector<std::string>& warnings) {
  where.section = n;
  if (!n.IsDefined()) return;
  MapReader r(sink, n, path);
  if (!r.valid()) return;
  if (auto v = r.boolean("enabled")) out.enabled = *v;
  if (auto v = r.duration("timeout")) out.timeout = *v;
  if (auto v = r.choice("action", {"off", "reboot"})) out.action = *v;
  if (auto v = r.duration("priority_delay")) out.priority_delay = *v;
  for_each_item(sink, r.child("devices"), r.key_path("devices"), [&](const YAML::Node& item, const std::string& p) {
    where.devices.push_back(item);
    out.devices.push_back(read_device(sink, item, p, warnings));
  });
  where.topology = r.child("topology");
  read_topology(sink, where.topology, r.key_path("topology"), out);
  r.finish();
}

void check_stonith(ErrorSink& sink, const StonithConfig& cfg, const StonithYaml& where, const YAML::Node& root,
                   const std::map<std::string, std::size_t>& names,
                   const std::function<std::string(const std::string&)>& unknown_node) {
  std::set<std::string> device_names;
  for (std::size_t i = 0; i < cfg.devices.size(); ++i) {
    const auto& d = cfg.devices[i];
    const YAML::Node& yn = where.devices[i];
    std::string p = "stonith.devices[" + std::to_string(i) + "]";
    if (!d.name.empty() && !device_names.insert(d.name).second)
      sink.add(yn["name"], p + ".name", "duplicate stonith device name '" + d.name + "'");
    for (std::size_t h = 0; h < d.hosts.size(); ++h)
      if (!names.count(d.hosts[h])) sink.add(yn["hosts"][h], p + ".hosts[" + std::to_string(h) + "]", unknown_node(d.hosts[h]));
    for (const auto& [node, plug] : d.host_map)
      if (!names.count(node)) sink.add(yn["host_map"], p + ".host_map." + node, unknown_node(node));
  }
  for (const auto& [node, levels] : cfg.topology) {
    std::string np = "stonith.topology." + node;
    const YAML::Node& yt = where.topology;
    if (!names.count(node)) sink.add(yt, np, unknown_node(node));
    for (std::size_t l = 0; l < levels.size(); ++l)
      for (const auto& dev : levels[l]) {
        const StonithDevice* d = cfg.find_device(dev);
        std::string lp = np + "[" + std::to_string(l) + "]";
        if (!d) sink.add(yt, lp, "no stonith device named '" + dev + "'");
        else if (std::find(d->hosts.begin(), d->hosts.end(), node) == d->hosts.end())
          sink.add(yt, lp, "device '" + dev + "' cannot fence " + node + " (not in its hosts)");
      }
  }
  if (!cfg.enabled) return;
  for (const auto& [node, index] : names)
    if (cfg.levels_for(node).empty())
      sink.add(where.section.IsDefined() ? where.section : root, "stonith.devices",
               "no stonith device can fence node '" + node + "' (or set stonith.enabled: false)");
}

FenceLevels StonithConfig::levels_for(const std::string& node) const {
  if (auto it = topology.find(node); it != topology.end()) return it->second;
  FenceLevels out;
  for (const auto& d : devices)
    if (std::find(d.hosts.begin(), d.hosts.end(), node) != d.hosts.end()) out.push_back({d.name});
  return out;
}

const StonithDevice* StonithConfig::find_device(const std::string& name) const {
  for (const auto& d : devices)
    if (d.name == name) return &d;
  return nullptr;
}

}  // namespace hamail::config
