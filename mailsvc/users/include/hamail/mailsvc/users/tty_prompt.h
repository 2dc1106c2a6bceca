// Reads a secret from the controlling terminal (/dev/tty) with echo off, restoring the
// terminal afterwards. An error when there is no terminal (use --password-stdin then).
#pragma once

#include <string>

#include "hamail/base/result.h"

namespace hamail::mailsvc::users {

Result<std::string> prompt_secret_on_tty(const std::string& prompt);

}  // namespace hamail::mailsvc::users
