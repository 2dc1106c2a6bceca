// The agent actions the executor runs (start, stop, monitor, promote, demote,
// meta-data, validate-all) and their OCF names. A monitor with interval 0 is a probe:
// "is this resource running here?", asked before the cluster places it.
#pragma once

#include <optional>
#include <string_view>

namespace hamail::executor {

enum class Action { start, stop, monitor, promote, demote, meta_data, validate_all };

// The OCF name: "start", "meta-data", "validate-all", ...
std::string_view to_string(Action action);
std::optional<Action> parse_action(std::string_view name);

}  // namespace hamail::executor
