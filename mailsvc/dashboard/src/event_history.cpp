#include "hamail/mailsvc/dashboard/event_history.h"

#include <algorithm>
#include <map>
#include <string>

namespace hamail::mailsvc::dashboard {

using nlohmann::json;

namespace {

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void copy(json& to, const json& from, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (auto it = from.find(k); it != from.end() && !it->is_null() && !(it->is_string() && it->get<std::string>().empty()))
      to[k] = *it;
}

constexpr std::size_t kMaxPhases = 64;

}  // namespace

json switch_history(const std::vector<json>& events) {
  std::vector<json> entries;                        // oldest first
  std::map<std::string, std::size_t> open_switch;  // switchover id -> entry
  std::map<std::string, std::size_t> open_fail;    // group -> its open failover or recovery
  for (const auto& e : events) {
    if (!e.is_object()) continue;
    std::string name = text(e, "event");
    std::string id = e.contains("id") ? e["id"].dump() : std::string();
    if (name == "switchover_begin") {
      json h = {{"kind", "switchover"}, {"started", text(e, "ts")}, {"result", "running"}, {"phases", json::array()}};
      copy(h, e, {"id", "group", "from", "to", "by"});
      open_switch[id] = entries.size();
      entries.push_back(h);
    } else if (name == "switchover_phase" || name == "switchover_end" || name == "switchover_failed") {
      auto it = open_switch.find(id);
      if (it == open_switch.end()) {  // its begin is older than the history we got
        json h = {{"kind", "switchover"}, {"result", "running"}, {"phases", json::array()}};
        copy(h, e, {"id", "group"});
        it = open_switch.emplace(id, entries.size()).first;
        entries.push_back(h);
      }
      json& h = entries[it->second];
      if (name == "switchover_phase") {
        if (h["phases"].size() < kMaxPhases) {
          json p;
          copy(p, e, {"phase", "ok", "elapsed_ms"});
          h["phases"].push_back(p);
        }
      } else {
        h["result"] = name == "switchover_end" ? "done" : "failed";
        h["ended"] = text(e, "ts");
        copy(h, e, {"to", "duration_ms", "reason"});
        open_switch.erase(it);
      }
    } else if (name == "failover_begin" || name == "recovery_begin") {
      // A group has one open failover or recovery: a node lost during a recovery ends it.
      std::string g = text(e, "group");
      if (auto it = open_fail.find(g); it != open_fail.end()) {
        entries[it->second]["result"] = "superseded";
        entries[it->second]["ended"] = text(e, "ts");
      }
      json h = {{"kind", name == "failover_begin" ? "failover" : "recovery"}, {"started", text(e, "ts")},
                {"result", "running"}};
      copy(h, e, {"group", "from", "resource", "reason"});
      open_fail[g] = entries.size();
      entries.push_back(h);
    } else if (name == "failover_end" || name == "recovery_end") {
      std::string kind = name == "failover_end" ? "failover" : "recovery";
      auto it = open_fail.find(text(e, "group"));
      if (it == open_fail.end() || entries[it->second]["kind"] != kind) {  // its begin is older than the history
        json h = {{"kind", kind}};
        copy(h, e, {"group", "from"});
        it = open_fail.insert_or_assign(text(e, "group"), entries.size()).first;
        entries.push_back(h);
      }
      json& h = entries[it->second];
      h["result"] = "done";
      h["ended"] = text(e, "ts");
      copy(h, e, {"to", "duration_ms"});
      open_fail.erase(it);
    }
  }
  json out = json::array();
  for (auto it = entries.rbegin(); it != entries.rend() && out.size() < kMaxHistory; ++it) out.push_back(*it);
  return out;
}

json fencing_from_events(const std::vector<json>& events) {
  json devices = json::array();
  json last = nullptr;
  for (const auto& e : events) {
    if (!e.is_object() || text(e, "event") != "fence_end") continue;
    json r = {{"ts", text(e, "ts")}};
    copy(r, e, {"target", "action", "ok", "result", "devices", "level", "duration_ms", "reason", "by"});
    last = r;
    if (auto d = e.find("devices"); d != e.end() && d->is_array())
      for (const auto& dev : *d) {
        json name = dev.is_string() ? dev : dev.is_object() && dev.contains("name") ? dev["name"] : json(dev.dump());
        if (std::find(devices.begin(), devices.end(), name) == devices.end() && devices.size() < 32) devices.push_back(name);
      }
  }
  return {{"devices", devices}, {"last_result", last}};
}

}  // namespace hamail::mailsvc::dashboard
