// Looks at an agent's path before running it, so "not installed" and "not executable"
// come back as clear errors naming the path instead of a bare spawn failure.
#pragma once

#include <string>

#include "hamail/base/result.h"

namespace hamail::executor {

// Ok when `path` is a regular file this process may execute; otherwise an error
// such as "agent '/usr/lib/ocf/resource.d/hamail/vip' not found".
Status check_program(const std::string& path);

}  // namespace hamail::executor
