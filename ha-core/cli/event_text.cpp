#include "hamail/hacore/cli/event_text.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "hamail/base/log.h"

namespace hamail::hactl {

using nlohmann::json;

namespace {

// Who/what first, then outcome and timing, then free text.
constexpr std::array<std::string_view, 18> kOrder = {
    "id",     "group", "node", "resource", "action", "op",          "kind",       "phase",  "from",
    "to",     "on",    "ok",   "rc",       "result", "duration_ms", "elapsed_ms", "reason", "note"};

std::size_t rank(const std::string& key) {
  auto it = std::find(kOrder.begin(), kOrder.end(), key);
  return it == kOrder.end() ? kOrder.size() : static_cast<std::size_t>(it - kOrder.begin());
}

// transition_started's actions: "start vip on node1, start smtpd on node1".
bool is_action_list(const json& v) {
  if (!v.is_array() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const json& a) { return a.is_object() && a.contains("kind"); });
}

std::string value_text(const json& v) {
  if (v.is_string()) return logfmt_value(v.get<std::string>());
  if (is_action_list(v)) {
    std::string out;
    for (const auto& a : v) {
      if (!out.empty()) out += ", ";
      out += a.value("kind", "?") + " " + a.value("resource", "?") + " on " + a.value("node", "?");
    }
    return logfmt_value(out);
  }
  if (v.is_array() || v.is_object()) return logfmt_value(v.dump());
  return v.dump();
}

}  // namespace

std::string event_line(const json& ev) {
  if (!ev.is_object()) return logfmt_value(ev.dump());
  std::string line = ev.value("ts", std::string("-")) + " " + ev.value("event", std::string("?"));
  std::vector<std::string> keys;
  for (const auto& [k, v] : ev.items()) {
    if (k == "ts" || k == "ts_ms" || k == "event") continue;
    if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) continue;  // "by":"" is noise
    keys.push_back(k);
  }
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    std::size_t ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a < b;
  });
  for (const auto& k : keys) line += " " + k + "=" + value_text(ev[k]);
  return line;
}

}  // namespace hamail::hactl
