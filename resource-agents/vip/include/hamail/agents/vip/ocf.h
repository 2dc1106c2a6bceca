// The outcome of an agent action: an OCF exit code (hamail/base/ocf.h) plus, on failure,
// the reason printed as an `ocf-exit-reason:` line on stderr.
#pragma once

#include <string>

#include "hamail/base/ocf.h"

namespace hamail::vip {

struct Outcome {
  OcfRc rc = OcfRc::success;
  std::string reason;  // why it failed; empty on success / not running
};

}  // namespace hamail::vip
