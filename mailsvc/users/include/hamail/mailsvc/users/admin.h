// mailsvc-admin's commands as a function over explicit streams, so tests call it
// directly: `--dir DIR user add|del|list|passwd ADDRESS`, `alias add|del|list`,
// `domain add|del|list`. Passwords come from the prompt or --password-stdin, never argv.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::users {

struct AdminIo {
  std::istream& in;    // read by --password-stdin
  std::ostream& out;
  std::ostream& err;
  // Asks for a secret without echo (the terminal); errors when there is none.
  std::function<Result<std::string>(const std::string& prompt)> prompt_secret;
};

// args excludes the program name. Returns the exit code: 0 ok, 1 failed, 2 usage.
int run_admin(const std::vector<std::string>& args, AdminIo& io);

std::string admin_usage();

}  // namespace hamail::mailsvc::users
