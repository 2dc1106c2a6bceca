// OCF resource agent exit codes and the outcome of an action: a code plus, on failure,
// the reason printed as an `ocf-exit-reason:` line on stderr.
#pragma once

#include <string>

namespace hamail::vip {

enum OcfRc : int {
  kOcfSuccess = 0,
  kOcfErrGeneric = 1,
  kOcfErrArgs = 2,
  kOcfErrUnimplemented = 3,
  kOcfErrPerm = 4,
  kOcfErrInstalled = 5,
  kOcfErrConfigured = 6,
  kOcfNotRunning = 7,
};

struct Outcome {
  int rc = kOcfSuccess;
  std::string reason;  // why it failed; empty on success / not running
};

}  // namespace hamail::vip
