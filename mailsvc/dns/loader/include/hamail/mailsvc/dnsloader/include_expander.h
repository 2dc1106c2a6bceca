// Expands $INCLUDE in an RFC 1035 master file (ldns does not implement it: its parser
// returns LDNS_STATUS_SYNTAX_INCLUDE and drops the line), giving one text to parse plus,
// for each of its lines, the file and line it came from, so errors name the real place.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::dnsloader {

struct SourceLine {
  std::string file;
  int line = 0;  // 1-based
};

struct ExpandedFile {
  std::string text;
  std::vector<SourceLine> lines;  // lines[i] is where line i+1 of `text` came from
  SourceLine where(int line_1based) const;
};

struct ExpandLimits {
  int max_depth = 8;                          // nested $INCLUDEs
  std::size_t max_bytes = 64 * 1024 * 1024;  // all files together
};

// `$INCLUDE <file> [<origin>]` (RFC 1035 5.1): the file (relative to the including file's
// folder) is inserted in place, under <origin> when given; the $ORIGIN in force before the
// directive is restored after it. `origin` is the zone's origin (absolute, with the dot).
Result<ExpandedFile> expand_includes(const std::string& path, const std::string& origin,
                                     const ExpandLimits& limits = {});

}  // namespace hamail::mailsvc::dnsloader
