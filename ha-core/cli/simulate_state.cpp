// parse_status_state (simulate_state.h): `hactl status --json` -> the simulator's start.
// Never throws: every field is checked for presence and type, every name against the
// configuration, and an error names the file and the field.
#include "hamail/hacore/cli/simulate_state.h"

#include <nlohmann/json.hpp>

namespace hamail::hactl {
namespace {

using nlohmann::json;

bool has_node(const config::ClusterConfig& cfg, const std::string& name) {
  for (const auto& n : cfg.nodes)
    if (n.name == name) return true;
  return false;
}

const config::ResourceConfig* find_resource(const config::ClusterConfig& cfg, const std::string& name) {
  for (const auto& g : cfg.groups)
    for (const auto& r : g.resources)
      if (r.name == name) return &r;
  return nullptr;
}

// A string field, or an error naming it.
Result<std::string> text(const json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string())
    return Error{where + ": field \"" + key + "\": expected a string"};
  return j[key].get<std::string>();
}

Status read_nodes(const json& doc, const std::string& file, const config::ClusterConfig& cfg,
                  hacore::sim::InitialState& st) {
  if (!doc.contains("nodes") || !doc["nodes"].is_array()) return Error{file + ": field \"nodes\": expected an array"};
  for (std::size_t i = 0; i < doc["nodes"].size(); ++i) {
    const json& n = doc["nodes"][i];
    std::string where = file + ": nodes[" + std::to_string(i) + "]";
    auto name = text(n, "name", where);
    if (!name) return Error{name.error()};
    auto status = text(n, "status", where);
    if (!status) return Error{status.error()};
    if (!has_node(cfg, *name)) return Error{where + ": node '" + *name + "' is not in the configuration"};
    if (n.contains("standby") && !n["standby"].is_boolean())
      return Error{where + ": field \"standby\": expected true or false"};
    st.online[*name] = status->rfind("online", 0) == 0;
    st.standby[*name] = n.value("standby", false);
  }
  for (const auto& n : cfg.nodes)
    if (!st.online.count(n.name)) return Error{file + ": node '" + n.name + "' of the configuration is not in the state"};
  return Status::ok();
}

Status read_resource(const json& r, const std::string& where, const config::ClusterConfig& cfg,
                     hacore::sim::InitialState& st, std::vector<std::string>& notes) {
  auto name = text(r, "name", where);
  if (!name) return Error{name.error()};
  const auto* rc = find_resource(cfg, *name);
  if (!rc) return Error{where + ": resource '" + *name + "' is not in the configuration"};
  if (!r.contains("on") || !r["on"].is_object()) return Error{where + ": field \"on\": expected an object"};
  for (const auto& [node, v] : r["on"].items()) {
    if (!has_node(cfg, node)) return Error{where + ".on: node '" + node + "' is not in the configuration"};
    if (!v.is_string()) return Error{where + ".on." + node + ": expected a string (started, promoted, ...)"};
    std::string s = v.get<std::string>();
    if (s == "started") st.running[{*name, node}] = 0;
    else if (s == "promoted") st.running[{*name, node}] = rc->promotable ? 8 : 0;
    else if (s != "stopped")
      notes.push_back(*name + " on " + node + " is " + s + " in the state: the simulation starts it as not running");
  }
  if (r.contains("fail_counts"))
    notes.push_back("the fail counts of " + *name + " are not carried over: the simulation starts with none");
  return Status::ok();
}

}  // namespace

Result<hacore::sim::InitialState> parse_status_state(const std::string& text_in, const std::string& file,
                                                     const config::ClusterConfig& cfg,
                                                     std::vector<std::string>& notes) {
  json doc = json::parse(text_in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Error{file + ": not the JSON object `hactl status --json` prints"};
  hacore::sim::InitialState st;
  if (doc.contains("cluster")) {
    auto cluster = text(doc, "cluster", file);
    if (!cluster) return Error{cluster.error()};
    if (*cluster != cfg.name)
      return Error{file + ": the state is of cluster '" + *cluster + "', the configuration of '" + cfg.name + "'"};
  }
  if (doc.contains("maintenance")) {
    if (!doc["maintenance"].is_boolean()) return Error{file + ": field \"maintenance\": expected true or false"};
    st.maintenance = doc["maintenance"].get<bool>();
  }
  if (auto s = read_nodes(doc, file, cfg, st); !s) return Error{s.message()};
  if (!doc.contains("groups") || !doc["groups"].is_array()) return Error{file + ": field \"groups\": expected an array"};
  for (std::size_t i = 0; i < doc["groups"].size(); ++i) {
    const json& g = doc["groups"][i];
    std::string where = file + ": groups[" + std::to_string(i) + "]";
    if (!g.is_object() || !g.contains("resources") || !g["resources"].is_array())
      return Error{where + ": field \"resources\": expected an array"};
    for (std::size_t k = 0; k < g["resources"].size(); ++k)
      if (auto s = read_resource(g["resources"][k], where + ".resources[" + std::to_string(k) + "]", cfg, st, notes); !s)
        return Error{s.message()};
  }
  for (const auto& [key, rc] : st.running)
    if (!st.online.at(key.second))
      return Error{file + ": " + key.first + " runs on " + key.second + ", which the state shows offline"};
  if (doc.contains("failed_actions") && doc["failed_actions"].is_array() && !doc["failed_actions"].empty())
    notes.push_back("failed actions are not carried over");
  return st;
}

}  // namespace hamail::hactl
