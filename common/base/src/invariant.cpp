#include "hamail/base/invariant.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "hamail/base/log.h"

namespace hamail {

void invariant_failed(const char* file, int line, const char* condition, std::string_view what) {
  // One logfmt line on stderr (journald keeps it), written in one call, then abort: a core
  // dump and systemd's restart policy take over. No allocation-heavy path, no exceptions.
  std::string msg = "ts=" + utc_timestamp() + " level=error event=invariant_broken location=" +
                    logfmt_value(std::string(file) + ":" + std::to_string(line)) +
                    " condition=" + logfmt_value(condition) + " what=" + logfmt_value(what) + "\n";
  std::fwrite(msg.data(), 1, msg.size(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace hamail
