// Reading a daemon's own status JSON (what its control socket answers) into metric values:
// lenient on purpose, a missing or mistyped field reads as empty / 0, so that a scrape
// shows what is there instead of failing. Not for input from outside (that is JsonFields).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hamail::metrics {

std::string json_text(const nlohmann::json& object, const char* key);
double json_number(const nlohmann::json& object, const char* key);
double json_flag(const nlohmann::json& object, const char* key);  // true: 1, else 0

}  // namespace hamail::metrics
