#include "hamail/hacore/scheduler/scenario_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/base/yaml_reader.h"
#include "hamail/hacore/scheduler/scheduler.h"

namespace hamail::scheduler {
namespace {

using config::ErrorSink;
using config::MapReader;
using config::Need;

std::optional<NodeStatus> parse_node_status(const std::string& s) {
  if (s == "online") return NodeStatus::online;
  if (s == "offline") return NodeStatus::offline;
  if (s == "unclean") return NodeStatus::unclean;
  return std::nullopt;
}

std::optional<ResourceStatus> parse_resource_status(const std::string& s) {
  if (s == "stopped") return ResourceStatus::stopped;
  if (s == "started") return ResourceStatus::started;
  if (s == "promoted") return ResourceStatus::promoted;
  if (s == "failed") return ResourceStatus::failed;
  if (s == "stop_failed") return ResourceStatus::stop_failed;
  if (s == "unknown") return ResourceStatus::unknown;
  return std::nullopt;
}

// Calls `each(key, value, path)` for every entry of a mapping keyed by name.
template <class Each>
void for_each_entry(ErrorSink& sink, const YAML::Node& map, const std::string& path, Each each) {
  if (!map.IsDefined()) return;
  if (!map.IsMap()) {
    sink.add(map, path, "expected a mapping");
    return;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string key = it->first.Scalar();
    each(key, it->second, path + "." + key);
  }
}

class StateReader {
 public:
  StateReader(ErrorSink& sink, ClusterState& state) : sink_(sink), state_(state) {}

  void read(const YAML::Node& n) {
    MapReader r(sink_, n, "state");
    if (!r.valid()) return;
    if (auto v = r.duration("now")) state_.now = *v;
    if (auto v = r.boolean("quorate")) state_.quorate = *v;
    if (auto v = r.boolean("maintenance")) state_.maintenance = *v;
    for_each_entry(sink_, r.child("nodes", Need::required), "state.nodes",
                   [&](const std::string& name, const YAML::Node& v, const std::string& p) { read_node(name, v, p); });
    for_each_entry(sink_, r.child("resources"), "state.resources",
                   [&](const std::string& node, const YAML::Node& v, const std::string& p) { read_resources(node, v, p); });
    config::for_each_item(sink_, r.child("failures"), "state.failures",
                          [&](const YAML::Node& item, const std::string& p) { read_failure(item, p); });
    YAML::Node sw = r.child("switchover");
    if (sw.IsDefined()) read_switchover(sw, "state.switchover");
    if (auto v = r.string_list("fence_requests")) state_.fence_requests.insert(v->begin(), v->end());
    for_each_entry(sink_, r.child("outdated_volumes"), "state.outdated_volumes",
                   [&](const std::string& volume, const YAML::Node& v, const std::string& p) {
                     if (v.IsScalar()) state_.outdated_volumes[volume] = v.Scalar();
                     else sink_.add(v, p, "expected the node where volume " + volume + " is outdated");
                   });
    r.finish();
  }

 private:
  void read_node(const std::string& name, const YAML::Node& v, const std::string& path) {
    NodeState ns;
    if (v.IsScalar()) {
      set_status(ns, v.Scalar(), v, path);
    } else {
      MapReader r(sink_, v, path);
      if (!r.valid()) return;
      if (auto s = r.string("status", Need::required)) set_status(ns, *s, r.child("status"), r.key_path("status"));
      if (auto s = r.boolean("standby")) ns.standby = *s;
      if (auto s = r.choice("connectivity", {"ok", "lost"})) ns.connectivity_ok = *s == "ok";
      r.finish();
    }
    state_.nodes[name] = ns;
  }

  void set_status(NodeState& ns, const std::string& s, const YAML::Node& at, const std::string& path) {
    if (auto st = parse_node_status(s)) ns.status = *st;
    else sink_.add(at, path, "expected online, offline or unclean, found '" + s + "'");
  }

  void read_resources(const std::string& node, const YAML::Node& v, const std::string& path) {
    for_each_entry(sink_, v, path, [&](const std::string& res, const YAML::Node& s, const std::string& p) {
      std::string text = s.IsScalar() ? s.Scalar() : "";
      if (auto st = parse_resource_status(text)) state_.resources[{res, node}] = *st;
      else sink_.add(s, p, "expected stopped, started, promoted, failed, stop_failed or unknown, found '" + text + "'");
    });
  }

  void read_failure(const YAML::Node& item, const std::string& path) {
    MapReader r(sink_, item, path);
    if (!r.valid()) return;
    std::string res = r.string("resource", Need::required).value_or("");
    std::string node = r.string("node", Need::required).value_or("");
    FailureRecord f;
    f.count = static_cast<int>(r.integer("count", 1, 1000000, Need::required).value_or(1));
    f.last_failure = r.duration("last", Need::required).value_or(Milliseconds{0});
    if (auto op = r.choice("operation", {"monitor", "start", "stop", "promote", "demote"})) f.operation = *op;
    r.finish();
    state_.failures[{res, node}] = f;
  }

  void read_switchover(const YAML::Node& n, const std::string& path) {
    MapReader r(sink_, n, path);
    if (!r.valid()) return;
    SwitchoverRequest req;
    req.group = r.string("group", Need::required).value_or("");
    std::string to = r.string("to", Need::required).value_or("other");
    if (to != "other") req.target_node = to;
    r.finish();
    state_.switchover = req;
  }

  ErrorSink& sink_;
  ClusterState& state_;
};

std::string join_errors(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "\n") + e.to_string();
  return out;
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& text, const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Error{file_name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                 ": YAML syntax error: " + e.msg};
  }
  ErrorSink sink(file_name);
  Scenario sc;
  MapReader top(sink, root, "");
  if (!top.valid()) return Error{join_errors(sink.errors())};
  YAML::Node cfg_node = top.child("config", Need::required);
  StateReader(sink, sc.state).read(top.child("state", Need::required));
  top.finish();

  std::vector<ConfigError> errors = sink.errors();
  if (cfg_node.IsDefined()) {
    YAML::Emitter out;
    out << cfg_node;
    config::ConfigLoad load = config::parse_cluster_config(out.c_str(), file_name);
    for (auto e : load.errors) {
      e.line = 0;
      e.column = 0;
      e.key_path = e.key_path.empty() ? "config" : "config." + e.key_path;
      errors.push_back(e);
    }
    if (load.config) sc.config = std::move(*load.config);
  }
  if (!errors.empty()) return Error{join_errors(errors)};
  if (Status s = validate_state(sc.config, sc.state); !s) return Error{file_name + ": state: " + s.message()};
  return sc;
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the file: " + std::strerror(errno)};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path);
}

}  // namespace hamail::scheduler
