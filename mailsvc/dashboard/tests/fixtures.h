// The dashboard tests' fixtures: documents in the formats of `hactl status --json`
// (hacored's status reply), `drbdlite status --json` and `hactl events --json`.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hamail::mailsvc::dashboard::testing {

inline std::string fixture_text(const std::string& name) {
  std::ifstream in(std::string(DASHBOARD_FIXTURES) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline nlohmann::json fixture(const std::string& name) { return nlohmann::json::parse(fixture_text(name)); }

inline std::vector<nlohmann::json> fixture_events() {
  std::vector<nlohmann::json> out;
  std::istringstream in(fixture_text("hacored_events.jsonl"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace hamail::mailsvc::dashboard::testing
