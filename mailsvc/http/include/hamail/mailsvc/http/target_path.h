// The request-target of a static GET turned into a path relative to the document root,
// or refused: percent-decoding once, then no NUL, no encoded '/' or '\', no "." or ".."
// segments, no empty segments kept; the query is dropped; an absolute-form target
// ("http://host/a") counts by its path. Symlinks are the shell's part.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hamail/base/result.h"

namespace hamail::mailsvc::http {

struct TargetPath {
  std::vector<std::string> segments;  // decoded, each a plain name: {"docs", "a b.html"}
  bool directory = false;             // the target ended with '/' (or was "/")
  std::string relative() const;       // "docs/a b.html" ("" for the root)
};

// Error messages are for the log; the answer is 400 for a malformed target and 404 for
// one that tries to leave the root (the client learns nothing either way).
Result<TargetPath> parse_target_path(std::string_view target);

}  // namespace hamail::mailsvc::http
