// Runs one program to its end from hactl (which has no loop of its own): uv::ChildProcess
// on a private event loop, stdin from a string, output captured (bounded). Also where a
// command prefix comes from (HAMAIL_SSH, HAMAIL_SYSTEMCTL) and the environment passed on.
#pragma once

#include <string>
#include <vector>

#include "hamail/base/result.h"
#include "hamail/uv/child_process.h"

namespace hamail::hactl {

// The child's result once it ended; an error when it could not start (naming the program).
Result<uv::ChildResult> run_program(uv::ChildOptions options);

// This process's environment, KEY=VALUE (ssh needs HOME and SSH_AUTH_SOCK; fakes their variables).
std::vector<std::string> inherited_environment();

// The words of environment variable `variable` (split on spaces), or `fallback` when it is unset or blank.
std::vector<std::string> command_prefix(const char* variable, std::vector<std::string> fallback);

}  // namespace hamail::hactl
