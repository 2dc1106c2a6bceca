// Writes one action result as one logfmt record, event=action_result, at a level that
// follows its classification (a repeated, unchanged monitor result only at debug).
#pragma once

#include <optional>

#include "hamail/hacore/executor/action_result.h"
#include "hamail/base/log.h"

namespace hamail::executor {

// `changed` is set for recurring monitors: whether the result differs from the last.
void log_action_result(const Logger& log, const ActionResult& result, std::optional<bool> changed = std::nullopt);

}  // namespace hamail::executor
