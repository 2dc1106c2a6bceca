#include "hamail/hacore/executor/program_check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hamail::executor {

Status check_program(const std::string& path) {
  std::string what = "agent '" + path + "'";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Error{what + " not found"};
    return Error{what + " cannot be examined: " + std::strerror(err)};
  }
  if (!S_ISREG(st.st_mode)) return Error{what + " is not a regular file"};
  if (::access(path.c_str(), X_OK) != 0) return Error{what + " is not executable"};
  return Status::ok();
}

}  // namespace hamail::executor
